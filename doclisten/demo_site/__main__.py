"""``python -m doclisten.demo_site [--host H] [--public-host NAME] [--port-base N]``: serve the sample blogs.

By default the five blogs listen on 127.0.0.1 (any free ports) until Ctrl-C or SIGTERM. In a container,
``--host 0.0.0.0 --public-host demo-site --port-base 8081`` serves them to the other containers as
``http://demo-site:8081/`` .. ``http://demo-site:8085/`` (the links in the pages use that name).
"""

from __future__ import annotations

import argparse
import signal
import threading

from .server import DemoSite, default_public_host


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m doclisten.demo_site",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0: every interface)",
    )
    parser.add_argument(
        "--public-host",
        default=None,
        help="host name in the absolute URLs of the pages and feeds, i.e. how clients reach the site "
        "(default: the --host address, or this machine's/container's name when --host is 0.0.0.0 or ::)",
    )
    parser.add_argument(
        "--port-base", type=int, default=None, help="serve on fixed ports N..N+4 (default: any free ports)"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    public_host = args.public_host or default_public_host(args.host)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # `docker stop` ends it cleanly
    with DemoSite(port_base=args.port_base, host=args.host, public_host=public_host) as site:
        for key, blog in site.blogs.items():
            print(f"{key:<11} {blog.platform:<14} {blog.base_url}  (feed: {blog.feed_url})")
        print(
            f"Serving the sample DOC site on {args.host} (as {public_host}); press Ctrl-C to stop.",
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        print("\nStopped.", flush=True)


if __name__ == "__main__":
    main()
