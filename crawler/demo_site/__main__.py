"""``python -m crawler.demo_site [--port-base N]``: serve the sample blogs until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from .server import DemoSite


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo_site", description=__doc__)
    parser.add_argument(
        "--port-base", type=int, default=None, help="serve on fixed ports N..N+4 (default: any free ports)"
    )
    args = parser.parse_args(argv)
    with DemoSite(port_base=args.port_base) as site:
        for key, blog in site.blogs.items():
            print(f"{key:<11} {blog.platform:<14} {blog.base_url}  (feed: {blog.feed_url})")
        print("Serving the sample DOC site on 127.0.0.1; press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nStopped.")


if __name__ == "__main__":
    main()
