"""A redis-server of the test's own (no persistence) on a free port, which a test may kill and restart.

The ``private_redis`` fixture (tests/conftest.py) starts one; without a redis-server binary, or when
it cannot start, the test is skipped — and fails under ``CI=true``.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


class RedisServerError(Exception):
    """redis-server did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis-server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        """Start (or restart, on the same port, empty) and wait until it answers PING."""
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([*args, "--dir", str(self.workdir)], stdout=out, stderr=out)
        deadline = time.monotonic() + timeout
        while not self.answers():
            code = self.proc.poll()
            if code is not None:
                self.proc = None
                raise RedisServerError(f"redis-server exited with {code}: {self._last_line()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RedisServerError(
                    f"redis-server did not answer on port {self.port} within {timeout:.0f}s"
                )
            time.sleep(0.02)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()  # SIGKILL: no shutdown, nothing saved
            self.proc.wait()
            self.proc = None

    def _last_line(self) -> str:
        lines = self.log.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"
