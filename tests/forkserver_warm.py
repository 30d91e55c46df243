"""Imported by the fork server of ``tests/forked_cli.py``: what each crawling command does before its first
request (``doclisten.runner.preload``), done once there instead of in every forked command."""

from __future__ import annotations

import gc
import sys

from doclisten.runner import preload

preload()
assert "twisted.internet.reactor" not in sys.modules, "the fork server must not install a reactor"

# what the server holds now lives as long as it does: a forked command's garbage collector need not go
# through it (nor touch, and so copy, its pages)
gc.collect()
gc.freeze()
