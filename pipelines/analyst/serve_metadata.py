"""What ``doclisten serve`` shows: Datasette metadata for a doclisten database.

Descriptions of tables, views and columns come from docs/schema.md (through :mod:`schema_doc`); the analyst
views are offered as canned queries with parameters (keyword, group, since, until); posts and comments are
searchable through the full-text index (``search_posts``/``search_comments``, FTS5, whose rowid is the
post's or comment's id); facets on source, keyword, language and mood; a dashboard draws the mentions over
time (datasette-dashboards, Vega-Lite). Nothing here writes: no canned query is writable.
"""

from __future__ import annotations

import html
import re
from typing import Any

from pipelines.analyst.schema_doc import TableDoc, load

DATABASE = "doclisten"
# the internal tables an analyst has no use for (still reachable by URL and SQL)
HIDDEN = (
    "alembic_version",
    "neardup_signatures",
    "neardup_bands",
    "url_validators",
    "robots_txt",
    "search_posts",
    "search_comments",
)
CODE = re.compile(r"`([^`]+)`")

# optional filters of every canned query: an empty field means "any"
FILTERS = """(:keyword = '' OR keyword = :keyword) AND (:group = '' OR keyword_group = :group)"""


def window(column: str) -> str:
    return f"(:since = '' OR {column} >= :since) AND (:until = '' OR {column} <= :until)"


PARAMS = ["keyword", "group", "since", "until"]
PARAM_HELP = (
    "Leave a field empty for any: keyword (e.g. Dexcom), group (e.g. brand), since and until "
    "(YYYY-MM-DD, inclusive)."
)

QUERIES: dict[str, dict[str, Any]] = {
    "mentions_over_time": {
        "title": "Mentions over time",
        "description": "Mentions of each keyword per week (mentions_per_week). " + PARAM_HELP,
        "sql": f"""SELECT week, keyword_group, keyword, mentions, matches, posts, comments
FROM mentions_per_week WHERE {FILTERS} AND {window("week")} ORDER BY week, keyword""",
    },
    "mentions_per_day": {
        "title": "Mentions per day",
        "description": "Mentions of each keyword per day (mentions_per_day). " + PARAM_HELP,
        "sql": f"""SELECT day, keyword_group, keyword, mentions, matches, posts, comments
FROM mentions_per_day WHERE {FILTERS} AND {window("day")} ORDER BY day, keyword""",
    },
    "share_of_voice": {
        "title": "Share of voice",
        "description": "Each keyword's share of its group's mentions, per week (share_of_voice_weekly). "
        + PARAM_HELP,
        "sql": f"""SELECT week, keyword_group, keyword, mentions, group_mentions, round(share, 3) AS share
FROM share_of_voice_weekly WHERE {FILTERS} AND {window("week")}
ORDER BY week, keyword_group, share DESC""",
    },
    "top_sources": {
        "title": "Top sources",
        "description": "Which blogs mention the keywords most in the period (mentions). " + PARAM_HELP,
        "sql": f"""SELECT source_id, source_title, keyword_group, keyword, sum(mentions) AS mentions,
       count(*) AS matches, count(DISTINCT post_id) AS posts
FROM mentions WHERE {FILTERS} AND {window("day")}
GROUP BY source_id, source_title, keyword_group, keyword ORDER BY mentions DESC, source_id LIMIT 100""",
    },
    "top_authors": {
        "title": "Top authors",
        "description": "Who mentions the keywords most in the period: post authors and commenters "
        "(mentions). " + PARAM_HELP,
        "sql": f"""SELECT author, keyword_group, keyword, sum(mentions) AS mentions, count(*) AS matches,
       sum(CASE WHEN found_in = 'post' THEN 1 ELSE 0 END) AS in_posts,
       sum(CASE WHEN found_in = 'comment' THEN 1 ELSE 0 END) AS in_comments
FROM mentions WHERE author IS NOT NULL AND {FILTERS} AND {window("day")}
GROUP BY author, keyword_group, keyword ORDER BY mentions DESC, author LIMIT 100""",
    },
    "sentiment": {
        "title": "Sentiment per week",
        "description": "Mood around each keyword per week (sentiment_per_week). " + PARAM_HELP,
        "sql": f"""SELECT week, keyword_group, keyword, matches, round(mean_sentiment, 3) AS mean_sentiment,
       round(min_sentiment, 3) AS min_sentiment, round(max_sentiment, 3) AS max_sentiment
FROM sentiment_per_week WHERE {FILTERS} AND {window("week")} ORDER BY week, keyword""",
    },
    "snippets": {
        "title": "Mentions in context",
        "description": "Each mention with its snippet, post and comment (mentions). " + PARAM_HELP,
        "sql": f"""SELECT day, keyword, source_title, found_in, author, mood, snippet, post_id, comment_id, url
FROM mentions WHERE {FILTERS} AND {window("day")} ORDER BY day DESC, id DESC LIMIT 500""",
    },
    "busiest_threads": {
        "title": "Busiest threads",
        "description": "Posts with the most comments published in the period (comment_activity); since and "
        "until (YYYY-MM-DD) may be left empty.",
        "sql": f"""SELECT post_id, title, url, published_at, comments, replies, commenters, last_comment_at
FROM comment_activity WHERE {window("substr(published_at, 1, 10)")} ORDER BY comments DESC, post_id LIMIT 100""",
    },
}

TABLES: dict[str, dict[str, Any]] = {
    "sources": {"label_column": "title", "sort": "id"},
    "posts": {
        "label_column": "title",
        "sort_desc": "published_at",
        "facets": ["source_id", "language"],
        "fts_table": "search_posts",
        "fts_pk": "id",
    },
    "comments": {
        "label_column": "author",
        "sort_desc": "published_at",
        "facets": ["language"],
        "fts_table": "search_comments",
        "fts_pk": "id",
    },
    "keyword_matches": {"facets": ["keyword_group", "keyword"], "sort_desc": "id"},
    "mentions": {"facets": ["source_title", "keyword", "language", "mood"], "sort_desc": "day"},
}


def description_html(text: str) -> str:
    """docs/schema.md's Markdown paragraph as HTML (only its `code` spans are Markdown there)."""
    return CODE.sub(r"<code>\1</code>", html.escape(text, quote=False))


def plain(text: str) -> str:
    return CODE.sub(r"\1", text)


def table_metadata(name: str, doc: TableDoc | None) -> dict[str, Any]:
    meta: dict[str, Any] = dict(TABLES.get(name, {}))
    if doc is not None:
        meta["description_html"] = description_html(doc.description)
        meta["columns"] = {c: plain(m) for c, m in doc.columns.items()}
    if name in HIDDEN:
        meta["hidden"] = True
    return meta


def dashboard() -> dict[str, Any]:
    """The datasette-dashboards configuration: mentions over time, with the canned queries' filters."""

    def where(period: str) -> str:
        return (
            "WHERE TRUE [[ AND keyword = :keyword ]] [[ AND keyword_group = :group ]] "
            f"[[ AND {period} >= :since ]] [[ AND {period} <= :until ]]"
        )

    return {
        "mentions": {
            "title": "Mentions over time",
            "description": "Mentions per month and the keywords mentioned most (days and months in UTC).",
            "layout": [["volume", "keywords"]],
            "filters": {
                "keyword": {
                    "name": "Keyword",
                    "type": "select",
                    "db": DATABASE,
                    "query": "SELECT DISTINCT keyword FROM keyword_matches ORDER BY keyword",
                },
                "group": {
                    "name": "Group",
                    "type": "select",
                    "db": DATABASE,
                    "query": "SELECT DISTINCT keyword_group FROM keyword_matches ORDER BY keyword_group",
                },
                "since": {"name": "Since", "type": "date"},
                "until": {"name": "Until", "type": "date"},
            },
            "charts": {
                "volume": {
                    "title": "Mentions per month, by keyword group",
                    "db": DATABASE,
                    "query": "SELECT substr(day, 1, 7) || '-01' AS month, keyword_group, sum(mentions) AS mentions "
                    f"FROM mentions_per_day {where('day')} GROUP BY 1, 2 ORDER BY 1, 2",
                    "library": "vega-lite",
                    "display": {
                        "mark": {"type": "bar", "tooltip": True},
                        "encoding": {
                            "x": {
                                "field": "month",
                                "type": "temporal",
                                "timeUnit": "yearmonth",
                                "title": "month",
                            },
                            "y": {"field": "mentions", "type": "quantitative", "stack": "zero"},
                            "color": {"field": "keyword_group", "type": "nominal", "title": "group"},
                        },
                    },
                },
                "keywords": {
                    "title": "Mentions per keyword",
                    "db": DATABASE,
                    "query": f"SELECT keyword, sum(mentions) AS mentions FROM mentions_per_week {where('week')} "
                    "GROUP BY keyword ORDER BY mentions DESC LIMIT 20",
                    "library": "vega-lite",
                    "display": {
                        "mark": {"type": "bar", "tooltip": True},
                        "encoding": {
                            "x": {"field": "mentions", "type": "quantitative"},
                            "y": {"field": "keyword", "type": "nominal", "sort": "-x"},
                        },
                    },
                },
            },
        }
    }


def contents_html(tables: dict[str, str], docs: dict[str, TableDoc]) -> str:
    """The home page: the canned queries, the views and the tables, each linked, with what it is."""

    def entries(items: list[tuple[str, str, str]]) -> str:
        return "".join(
            f'<dt><a href="{html.escape(href)}">{html.escape(label)}</a></dt><dd>{text}</dd>'
            for label, href, text in items
        )

    queries = [
        (q["title"], f"/{DATABASE}/{n}", html.escape(q["description"].replace(" " + PARAM_HELP, "")))
        for n, q in QUERIES.items()
    ]
    parts = [
        "<p>Posts, comments and keyword mentions of the blogs doclisten crawls, <strong>read-only</strong>. "
        f'Charts: <a href="/-/dashboards/mentions">mentions over time</a>. Search: '
        f'<a href="/{DATABASE}/posts">posts</a> and <a href="/{DATABASE}/comments">comments</a>.</p>',
        f"<h2>Queries</h2><p>{html.escape(PARAM_HELP)}</p>"
        f'<dl class="doclisten-queries">{entries(queries)}</dl>',
    ]
    for kind, heading in (("view", "Views"), ("table", "Tables")):
        items = [  # in the order of schema.md
            (name, f"/{DATABASE}/{name}", description_html(doc.description))
            for name, doc in docs.items()
            if tables.get(name) == kind and name not in HIDDEN
        ]
        parts.append(f'<h2>{heading}</h2><dl class="doclisten-{kind}s">{entries(items)}</dl>')
    return "".join(parts)


def metadata(tables: dict[str, str]) -> dict[str, Any]:
    """Datasette metadata for a doclisten database whose tables and views are ``tables`` (name -> kind)."""
    docs = load()
    contents = contents_html(tables, docs)
    return {
        "title": "doclisten",
        "description_html": contents,
        "databases": {
            DATABASE: {
                "description_html": contents,
                "tables": {name: table_metadata(name, docs.get(name)) for name in tables},
                "queries": {
                    name: {**q, "params": PARAMS if ":keyword" in q["sql"] else ["since", "until"]}
                    for name, q in QUERIES.items()
                },
            }
        },
        "plugins": {"datasette-dashboards": dashboard()},
    }
