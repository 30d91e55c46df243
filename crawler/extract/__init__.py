"""Pure extraction functions: HTML in, dataclasses (``crawler.extract.model``) out."""

from crawler.extract.links import PageLinks, extract_links
from crawler.extract.page import extract_page
from crawler.extract.platform import detect_platform

__all__ = ["PageLinks", "detect_platform", "extract_links", "extract_page"]
