"""Connectors: each platform one module of spider callbacks (a mixin of the crawl spider,
``crawler.spiders.blogs.BlogSpider``) that lists what is new and fetches one thread, every request through the
spider's ``request`` (robots, SSRF guard, politeness, conditional GET, Retry-After) and every item through the
same pipelines and tables. ``base.Connector`` declares what they use of the spider.

- ``blog.py``: every blog platform (WordPress, WordPress.com, Blogger, generic): feeds, archives, sitemaps,
  post pages, their comments (REST, comment feeds, comment pages);
- ``discourse.py``: a forum's topics from its JSON listings (the source's whole crawl: ``platform`` discourse);
- ``substack.py``: after a Substack post's page, its comment tree from the publication's JSON;
- ``disqus.py``: after any post page that embeds Disqus, its thread from Disqus's embed page.

A new platform: one module here, its extraction in ``crawler/extract/``, its recognition in
``crawler/extract/platform.py`` (and ``crawler/discovery.py`` when its listing is not a feed), its mixin added to
``BlogSpider``'s bases (and to ``first_requests`` or ``after_post_page``), and its tests.
"""
