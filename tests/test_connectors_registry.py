"""The connectors' recognitions are the one list platform detection and discovery ask: every platform but
``generic`` has exactly one, each names a platform the extraction knows, and detection follows their ranks."""

from __future__ import annotations

from crawler.connectors.registry import connectors_of, page_facts, recognition, recognitions
from crawler.extract import detect_platform
from crawler.extract.model import GENERIC, PLATFORMS
from crawler.extract.page import ADAPTERS
from crawler.extract.platform import platform_from_generator, platform_from_host
from crawler.extract.tree import Doc


def test_every_platform_but_generic_recognises_itself_once() -> None:
    named = [r.platform for r in recognitions()]
    assert sorted(named) == sorted(p for p in PLATFORMS if p != GENERIC)
    assert set(named) <= set(ADAPTERS)
    ranks = [r.rank for r in recognitions()]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_host_generator_and_markup_each_decide_through_the_registry() -> None:
    assert platform_from_host("https://loopnotes.substack.com/p/x") == "substack"
    assert platform_from_host("https://t1d.blogspot.co.uk/") == "blogger"
    assert platform_from_generator("Discourse 3.2.1 - https://github.com/discourse/discourse") == "discourse"
    assert platform_from_generator("WordPress 6.4.2") == "wordpress"
    assert recognition("wordpress") is not None and not recognition("wordpress").generator_decides  # type: ignore[union-attr]
    # a self-hosted WordPress generator does not outrank WordPress.com's markup (Jetpack sites print both)
    page = '<html><head><meta name="generator" content="WordPress 6.4"></head><body><div class="highlander-comment"></div></body></html>'
    assert detect_platform(page, "https://x.example/") == "wordpress.com"
    assert (
        detect_platform('<html id="XF" data-app="public"><body></body></html>', "https://f.example/")
        == "xenforo"
    )
    assert detect_platform('<html><body id="phpbb"></body></html>', "https://b.example/") == "phpbb"
    assert detect_platform("<html><body><p>hello</p></body></html>", "https://g.example/") == GENERIC


def test_a_companion_connector_names_itself_from_a_page() -> None:
    page = Doc(
        '<html><body><script id="dsq-count-scr" src="//sugarfree.disqus.com/count.js" async></script></body></html>'
    )
    facts = page_facts(page, "https://sugarfree.example/")
    assert facts == {"disqus_forum": "sugarfree"}
    assert connectors_of("wordpress", facts) == ["wordpress", "disqus"]
    assert connectors_of("discourse", None) == ["discourse"]
    assert page_facts(Doc("<html><body><p>no comments here</p></body></html>"), "https://x.example/") == {}
