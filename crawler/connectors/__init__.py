"""Connectors: each platform one module of spider callbacks (a mixin of the crawl spider,
``crawler.spiders.blogs.BlogSpider``) that lists what is new and fetches one thread, every request through the
spider's ``request`` (robots, SSRF guard, politeness, conditional GET, Retry-After) and every item through the
same pipelines and tables. ``base.Connector`` declares what they use of the spider.

- ``discourse.py``: a forum's topics from its JSON listings (the source's whole crawl: ``platform`` discourse);
- ``substack.py``: after a Substack post's page, its comment tree from the publication's JSON;
- ``disqus.py``: after any post page that embeds Disqus, its thread from Disqus's embed page.

A new platform: one module here (recognised in ``crawler/extract/platform.py`` / ``crawler/discovery.py``),
its extraction in ``crawler/extract/``, its mixin added to ``BlogSpider``'s bases, and its tests. The blog
platforms (WordPress, WordPress.com, Blogger, generic) are still the spider's own callbacks: moving them behind
the same shape is what is left of issue 14's item 1.
"""
