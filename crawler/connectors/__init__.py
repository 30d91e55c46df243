"""Sources that are not blogs: each platform one module of spider callbacks (a mixin of the crawl spider)
that lists what is new and fetches one thread, every request through the spider's ``request`` (robots, SSRF
guard, politeness, conditional GET, Retry-After) and every item through the same pipelines and tables.

Today: Discourse forums (``discourse.py``). The blog platforms still live in ``crawler/spiders/blogs.py``;
moving them behind the same shape is issue 14's item 1.
"""
