import pytest

from crawler.urls import (
    InvalidURL,
    canonical_url,
    is_trap,
    looks_like_post_url,
    same_site,
    short_url,
    web_url,
)

CANONICAL = [
    # tracking parameters, any utm_*, fragment
    (
        "https://type1tales.example/2024/03/pump/?utm_source=feedburner&utm_medium=feed&utm_campaign=x#more-12",
        "https://type1tales.example/2024/03/pump/",
    ),
    ("https://t.example/p/?UTM_Source=x&fbclid=abc&gclid=1&dclid=2&msclkid=3", "https://t.example/p/"),
    ("https://t.example/p/?mc_cid=1&mc_eid=2&_ga=3&igshid=4&yclid=5&ref_src=twsrc", "https://t.example/p/"),
    # WordPress share buttons and reply links
    ("https://t.example/p/?share=twitter&nb=1", "https://t.example/p/"),
    ("https://t.example/p/?replytocom=123#respond", "https://t.example/p/"),
    # Blogger mobile view and comment permalinks
    ("https://sugar.blogspot.com/2024/03/cgm.html?m=1", "https://sugar.blogspot.com/2024/03/cgm.html"),
    ("https://sugar.blogspot.com/2024/03/cgm.html?m=0", "https://sugar.blogspot.com/2024/03/cgm.html"),
    (
        "https://sugar.blogspot.com/2024/03/cgm.html?showComment=1709572500000#c8880001",
        "https://sugar.blogspot.com/2024/03/cgm.html",
    ),
    # AMP flag
    ("https://t.example/p/?amp=1", "https://t.example/p/"),
    ("https://t.example/p/?amp", "https://t.example/p/"),
    # remaining query sorted, meaningful params kept
    ("https://t.example/?p=42&utm_source=x&cat=3", "https://t.example/?cat=3&p=42"),
    (
        "https://t.example/search?updated-max=2024-03-01T00:00:00-08:00&max-results=7",
        "https://t.example/search?max-results=7&updated-max=2024-03-01T00%3A00%3A00-08%3A00",
    ),
    # empty query, case, default ports
    ("https://t.example/p/?", "https://t.example/p/"),
    ("HTTPS://WWW.Type1Tales.EXAMPLE/Mixed/Case/", "https://www.type1tales.example/Mixed/Case/"),
    ("http://t.example:80/p/", "http://t.example/p/"),
    ("https://t.example:443/p/", "https://t.example/p/"),
    ("https://t.example:8443/p/", "https://t.example:8443/p/"),
    # trailing slash kept as is
    ("https://t.example/p", "https://t.example/p"),
    # percent-encoding normalised, IDN to punycode
    ("https://t.example/a%7eb/%c3%bc", "https://t.example/a~b/%C3%BC"),
    ("https://t.example/über-mich/", "https://t.example/%C3%BCber-mich/"),
    ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
    # whitespace around the URL
    ("  https://t.example/p/\n", "https://t.example/p/"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", [url for url, _ in CANONICAL])
def test_canonical_url_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_canonical_url_joins_relative_urls_with_base():
    base = "https://t.example/2024/03/pump/"
    assert canonical_url("../../02/cgm/?utm_source=x", base) == "https://t.example/2024/02/cgm/"
    assert canonical_url("/about/", base) == "https://t.example/about/"
    assert canonical_url("https://other.example/x", base) == "https://other.example/x"


@pytest.mark.parametrize(
    "url",
    [
        "https://t.example/p/?replytocom=12#respond",
        "https://t.example/p/#respond",
        "https://t.example/wp-login.php?redirect_to=https%3A%2F%2Ft.example%2Fp%2F",
        "https://t.example/wp-admin/post.php?post=1",
        "https://t.example/p/?share=facebook&nb=1",
        "https://t.example/?action=logout",
        "https://t.example/2024/03/05/",
        "https://t.example/2024/03/05",
        "https://t.example/2024/03/05/page/2/",
        "https://t.example/?s=omnipod",
        "https://sugar.blogspot.com/search?q=dexcom",
        "https://t.example/xmlrpc.php",
    ],
)
def test_traps(url):
    assert is_trap(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://t.example/2024/03/05/my-post/",
        "https://t.example/2024/03/",
        "https://t.example/feed/",
        "https://t.example/p/comment-page-2/#comments",
        "https://t.example/p/#comment-12",
        "https://sugar.blogspot.com/search?updated-max=2024-03-01T00:00:00-08:00&max-results=7",
        "https://sugar.blogspot.com/search/label/CGM",
        "https://sugar.blogspot.com/2024/03/cgm.html",
        "https://t.example/?p=42",
    ],
)
def test_not_traps(url):
    assert not is_trap(url)


def test_same_site():
    assert same_site("https://www.t.example/a/", "http://t.example/b")
    assert same_site("https://T.EXAMPLE/", "https://t.example/")
    assert not same_site("https://t.example/", "https://other.example/")
    assert not same_site("https://a.t.example/", "https://t.example/")
    assert not same_site("not a url", "also not")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://sugar.example/2015/03/04/glucagon-pens/", True),
        ("https://sugar.example/2015/03/glucagon.html", True),
        ("https://sugar.example/?p=12", True),
        ("https://sugar.example/notes/my-first-cgm/", True),
        ("https://sugar.example/", False),
        ("https://sugar.example/tag/insulin/", False),
        ("https://sugar.example/category/news/", False),
        ("https://sugar.example/author/kim/", False),
        ("https://sugar.example/about/", False),
        ("https://other.example/2015/03/04/x/", False),
        ("https://sugar.example/feed/", False),
    ],
)
def test_looks_like_post_url(url: str, expected: bool) -> None:
    assert looks_like_post_url(url, "https://sugar.example/") is expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("javascript:alert(1)", "not an http(s) URL"),
        ("mailto:kerri@example.com", "not an http(s) URL"),
        ("ftp://example.com/feed", "not an http(s) URL"),
        ("http://example.com:abc/", "invalid port 'abc'"),
        ("http://example.com:99999/", "invalid port '99999'"),
        ("http://example.com:0/", "invalid port '0'"),
        ("http:///nohost", "no host name"),
        ("https://:80/", "no host name"),
        ("http://exa mple.com/", "invalid host name"),
        ("http://[::1/", "not a valid URL"),
    ],
)
def test_web_url_refuses_what_no_request_could_fetch(text: str, reason: str) -> None:
    with pytest.raises(InvalidURL) as err:
        web_url(text, default_scheme="https")
    assert reason in err.value.reason
    assert str(err.value).startswith(repr(text)) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", "https://example.com/"),
        ("  sixuntilme.com/feed/ ", "https://sixuntilme.com/feed/"),
        ("localhost:8080", "https://localhost:8080/"),
        ("127.0.0.1:8000/blog", "https://127.0.0.1:8000/blog"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("HTTPS://Example.com/x?y=1", "HTTPS://Example.com/x?y=1"),
        ("http://[::1]:8000/", "http://[::1]:8000/"),
        ("http://bücher.example/", "http://bücher.example/"),
    ],
)
def test_web_url_accepts_web_addresses(text: str, expected: str) -> None:
    assert web_url(text, default_scheme="https") == expected


def test_web_url_without_a_default_scheme_needs_one() -> None:
    with pytest.raises(InvalidURL, match="not an http"):
        web_url("example.com")


def test_short_url_keeps_the_start_and_marks_the_cut() -> None:
    assert short_url("https://example.com/a") == "https://example.com/a"
    long = "https://example.com/" + "a" * 10_000
    short = short_url(long)
    assert short.startswith("https://example.com/aaa") and short.endswith("…") and len(short) <= 100


def test_web_url_refuses_urls_scrapy_would_drop_unanswered() -> None:
    from crawler.urls import MAX_URL_LENGTH

    ok = "https://example.com/" + "a" * (MAX_URL_LENGTH - len("https://example.com/"))
    assert web_url(ok) == ok
    with pytest.raises(InvalidURL, match="too long"):
        web_url(ok + "a")
