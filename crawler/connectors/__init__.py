"""Connectors: each platform one module that says how the platform recognises itself (``RECOGNITIONS``,
collected by ``registry.py``, which platform detection and ``sources add`` ask) and, when it crawls
differently from a blog, a mixin of spider callbacks (of the crawl spider, ``crawler.spiders.blogs.BlogSpider``)
that lists what is new and fetches one thread, every request through the spider's ``request`` (robots, SSRF
guard, politeness, conditional GET, Retry-After) and every item through the same pipelines and tables.
``base.Connector`` declares what they use of the spider.

- ``blog.py``: every blog platform (WordPress, WordPress.com, Blogger, generic): feeds, archives, sitemaps,
  post pages, their comments (REST, comment feeds, comment pages);
- ``discourse.py``: a forum's topics from its JSON listings (the source's whole crawl: ``platform`` discourse);
- ``forums.py``: XenForo and phpBB forums, recognised here and crawled like a blog (RSS, thread pages);
- ``substack.py``: after a Substack post's page, its comment tree from the publication's JSON;
- ``disqus.py``: after any post page that embeds Disqus, its thread from Disqus's embed page; on later crawls
  the forum's recent-comments feed.

A new platform: see "Adding a connector" in docs/architecture.md.
"""
