import pytest

from crawler.opml import OpmlError, OpmlOutline, parse_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My DOC subscriptions</title></head>
  <body>
    <outline text="Type 1">
      <outline type="rss" text="Type 1 Tales" title="Type 1 Tales"
               xmlUrl="https://type1tales.example/feed/" htmlUrl="https://type1tales.example/"/>
      <outline text="Parents">
        <outline type="rss" text="Sugar Highs and Lows"
                 xmlUrl="https://sugarhighs.blogspot.com/feeds/posts/default"/>
      </outline>
    </outline>
    <outline type="rss" text="Pancreas on Strike" xmlurl="https://pancreasonstrike.wordpress.com/feed/"/>
    <outline text="A site without a feed" htmlUrl="https://nofeed.example/"/>
    <outline text="Empty folder"/>
  </body>
</opml>"""


def test_nested_outlines_are_flattened():
    assert parse_opml(NESTED) == [
        OpmlOutline("Type 1 Tales", "https://type1tales.example/feed/", "https://type1tales.example/"),
        OpmlOutline("Sugar Highs and Lows", "https://sugarhighs.blogspot.com/feeds/posts/default", None),
        OpmlOutline("Pancreas on Strike", "https://pancreasonstrike.wordpress.com/feed/", None),
        OpmlOutline("A site without a feed", None, "https://nofeed.example/"),
    ]


def test_empty_body_outline_list():
    assert parse_opml(b'<opml version="1.0"><head/><body/></opml>') == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<opml><body><outline xmlUrl='https://x/feed/'></body></opml>",  # unclosed
        b"<html><body>not opml</body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_malformed(data):
    with pytest.raises(OpmlError) as info:
        parse_opml(data)
    assert "\n" not in str(info.value)


def test_entities_refused():
    laughs = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <opml><body><outline text="&c;" xmlUrl="https://x/feed/"/></body></opml>"""
    with pytest.raises(OpmlError):
        parse_opml(laughs)
    xxe = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <opml><body><outline text="&x;" xmlUrl="https://x/feed/"/></body></opml>"""
    with pytest.raises(OpmlError):
        parse_opml(xxe)


def test_external_dtd_is_not_loaded(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ATTLIST outline title CDATA "FROM-DTD">')
    data = f"""<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{dtd.as_uri()}">
    <opml><body><outline text="t" xmlUrl="https://x/feed/"/></body></opml>""".encode()
    assert parse_opml(data) == [OpmlOutline("t", "https://x/feed/", None)]
