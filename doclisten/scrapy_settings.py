"""Settings of ``scrapy crawl blogs`` run from the project directory (``scrapy.cfg`` names this module).

The Scrapy project's defaults (``crawler/settings.py``) with the environment on top, read once by
:meth:`doclisten.config.Config.from_env`, as the ``doclisten`` command does.
"""

from crawler.settings import *  # noqa: F403
from doclisten.config import Config

globals().update(Config.from_env().settings())
