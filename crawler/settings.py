"""Scrapy settings for doclisten: every default in one place (docs/configuration.md).

Nothing here reads the environment: the doclisten CLI (``doclisten.runner.build_settings``) and, for
``scrapy crawl blogs``, ``doclisten.scrapy_settings`` layer the environment (DOCLISTEN_*, read once by
``doclisten.config.Config.from_env``) and command-line options on top of these.
"""

BOT_NAME = "doclisten"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Honest and polite
USER_AGENT = "doclisten/0.1 (+https://github.com/doclisten/doclisten; social listening for the diabetes online community)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Limits against hostile servers
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # also bounds decompressed size (gzip bombs)
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
# 429/503 are handled by RetryAfterMiddleware (which honours Retry-After)
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
DEPTH_LIMIT = 0

# SSRF guard: names are resolved by a resolver that refuses non-public addresses.
TWISTED_DNS_RESOLVER = "crawler.middlewares.ssrf.GuardedResolver"
DOCLISTEN_ALLOW_PRIVATE_NETWORKS = False  # DOCLISTEN_ALLOW_PRIVATE_NETWORKS=1

# No proxy from the environment (http_proxy): it would resolve names behind the SSRF guard's back.
HTTPPROXY_ENABLED = False

# Only the web: a feed's link to file:///etc/passwd (or s3:, ftp:, data:) is never fetched, guard or not.
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.hosts.HostOverrideMiddleware": 40,  # DOCLISTEN_HOST_OVERRIDES (tests): before the guard
    "crawler.middlewares.ssrf.SSRFGuardMiddleware": 50,
    # robots.txt per RFC 9309: a missing one allows all, a failing one (5xx) disallows all for a while
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robotstxt.RobotsTxtMiddleware": 100,
    "crawler.middlewares.charset.CharsetMiddleware": 575,  # after decompression (590)
    "crawler.middlewares.conditional.ConditionalGetMiddleware": 580,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,
    "crawler.middlewares.sourcestats.SourceStatsMiddleware": 950,
}

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.keywords.pipeline.KeywordsPipeline": 300,
    "pipelines.enrich.EnrichPipeline": 400,
    "pipelines.storage.StoragePipeline": 800,
    "scheduler.pipeline.SchedulePipeline": 900,
}

# doclisten
DOCLISTEN_DATABASE_URL = "sqlite:///doclisten.db"  # DOCLISTEN_DATABASE_URL
DOCLISTEN_CRAWL_ID = None  # set by the runner; the storage pipeline creates one when missing
DOCLISTEN_FINISH_CRAWL = True  # False: a process of a split crawl; the parent finishes the crawls row
DOCLISTEN_BACKFILL_MAX_PAGES = 20  # archive pages (/page/N/, "Older posts") followed for a new source
DOCLISTEN_BACKFILL_MAX_POSTS = 1000  # posts collected by backfill per source and crawl
DOCLISTEN_HOST_OVERRIDES: dict[str, str] = {}  # tests: {"disqus.com": "http://127.0.0.1:PORT"}
DOCLISTEN_FORUM_MAX_REQUESTS = 300  # requests to a forum per crawl for topics and their further posts
DOCLISTEN_RETRY_AFTER_MAX_WAIT = 60.0  # seconds a crawl waits out a Retry-After before giving up
DOCLISTEN_ROBOTS_UNAVAILABLE_SECONDS = 600.0  # a robots.txt answering 5xx disallows its site this long
DOCLISTEN_JOB_LOADER = "pipelines.store.jobs.load_jobs_for_crawler"  # used by `scrapy crawl blogs`

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
DOCLISTEN_PROGRESS = False  # the CLI turns it on
DOCLISTEN_PROGRESS_REPORT = None  # a callable taking the counts instead of showing them (split crawls)
EXTENSIONS = {"crawler.progress.CrawlProgress": 500}

# Recurring crawls (doclisten run / scheduler / worker); see scheduler/policy.py
DOCLISTEN_REDIS_URL = None  # DOCLISTEN_REDIS_URL; None: the embedded SQL queue
DOCLISTEN_REDIS_PREFIX = "doclisten"  # namespace of the Redis keys
DOCLISTEN_MIN_INTERVAL = 15 * 60  # seconds; per-source overrides in sources.min_interval_seconds
DOCLISTEN_MAX_INTERVAL = 24 * 3600
DOCLISTEN_JITTER = 0.1  # +-10 % on every next due time
DOCLISTEN_DISABLE_AFTER = 10  # consecutive failed crawls before a source is disabled
DOCLISTEN_UNCONDITIONAL_EVERY = 10  # every Nth crawl of a source ignores the feed's ETag/Last-Modified
DOCLISTEN_LEASE_SECONDS = 60  # a dead worker's sources come back after this (heartbeat: lease/3)
DOCLISTEN_WORKER_SOURCES = 8  # sources one worker crawls at once
DOCLISTEN_POLL_SECONDS = 5.0  # how often an idle worker asks for due sources
DOCLISTEN_RECONCILE_SECONDS = 60  # how often the scheduler re-seeds Redis from the sources table
DOCLISTEN_WORKER = False  # set by `doclisten worker` / `doclisten run`

# Dedup, keywords, enrichment (pipelines/; docs/configuration.md)
DOCLISTEN_NEARDUP_THRESHOLD = 0.7  # estimated Jaccard similarity of 5-word shingles to link a near-duplicate
DOCLISTEN_NEARDUP_MIN_WORDS = 40  # shorter posts are only linked when identical
DOCLISTEN_KEYWORDS_FILE = None  # DOCLISTEN_KEYWORDS_FILE; None: the bundled taxonomy
DOCLISTEN_PSEUDONYMIZE_AUTHORS = None  # DOCLISTEN_PSEUDONYMIZE_AUTHORS=1: authors stored as keyed hashes
DOCLISTEN_PSEUDONYM_KEY = None  # DOCLISTEN_PSEUDONYM_KEY: the secret key; only ever from the environment
DOCLISTEN_LANGUAGES: list[str] = []  # restrict language detection to these ISO 639-1 codes (empty: all)

# Alerts (pipelines/alerts/; docs/alerts.md): rules in DOCLISTEN_ALERTS_FILE, checked by `doclisten alerts
# check` and, at most this often, after a reconcile round of `doclisten run` / `doclisten scheduler`
DOCLISTEN_ALERTS_FILE = None  # DOCLISTEN_ALERTS_FILE: alerts.toml; None: no alerts
DOCLISTEN_ALERTS_CHECK_SECONDS = 300.0
DOCLISTEN_ALERTS_WEBHOOK_URL = None  # DOCLISTEN_ALERTS_WEBHOOK_URL: Slack-compatible incoming webhook
DOCLISTEN_SMTP_HOST = None  # DOCLISTEN_SMTP_HOST: e-mail alerts through this SMTP server
DOCLISTEN_SMTP_PORT = 25
DOCLISTEN_SMTP_USER = None
DOCLISTEN_SMTP_PASSWORD = None  # DOCLISTEN_SMTP_PASSWORD: a secret, only ever from the environment
DOCLISTEN_SMTP_STARTTLS = False
DOCLISTEN_ALERTS_EMAIL_FROM = "doclisten@localhost"
DOCLISTEN_ALERTS_EMAIL_TO = ""  # comma-separated recipients
DOCLISTEN_ALERTS_RETRIES = 3  # tries per check, waiting DOCLISTEN_ALERTS_RETRY_SECONDS, then twice as long...
DOCLISTEN_ALERTS_RETRY_SECONDS = 2.0
DOCLISTEN_ALERTS_MAX_ATTEMPTS = 12  # tries in all (over later checks) before a delivery is abandoned

# Database outages: items wait (retried with backoff) this long, then go to the spool directory,
# which the next crawl or worker start stores first.
DOCLISTEN_DB_RETRY_SECONDS = 60.0
DOCLISTEN_SPOOL_DIR = "doclisten-spool"

# The storage writer (one thread per process): items queued while a transaction is being written are
# committed together, up to this many items per transaction, waiting at most this long for more.
DOCLISTEN_WRITE_BATCH_ITEMS = 50
DOCLISTEN_WRITE_BATCH_SECONDS = 0.2
