"""An alert's reasons as a message: plain text (e-mail, terminal) and Slack-compatible webhook JSON
(``{"text": ..., "blocks": [...]}``, Block Kit: header, section with mrkdwn, context)."""

from __future__ import annotations

from typing import Any


def _pairs(rows: list[Any]) -> str:
    return ", ".join(f"{name} ({n})" for name, n in rows) or "none"


def subject(reasons: dict[str, Any]) -> str:
    low, high = reasons["expected_range"]
    return (
        f"Spike: {reasons['rule']} — {reasons['count']} posts and comments in {reasons['window']['length']} "
        f"(expected {low}–{high})"
    )


def _sentiment(reasons: dict[str, Any]) -> str:
    mood = reasons["sentiment"]
    if mood["window"] is None:
        return "no sentiment scores in the window"
    shift = (
        ""
        if mood["shift"] is None
        else f", {mood['shift']:+.2f} against the baseline ({mood['baseline']:+.2f})"
    )
    return f"mean {mood['window']:+.2f}{shift}"


def lines(reasons: dict[str, Any]) -> list[str]:
    window = reasons["window"]
    low, high = reasons["expected_range"]
    return [
        f"{reasons['what']}: {reasons['count']} posts and comments from {window['start']} to {window['end']}; "
        f"expected {low}–{high} (mean {reasons['expected']:.2g}) from the {reasons['baseline']['windows']} windows "
        f"of {window['length']} before; p = {reasons['p_value']:.2g} ({reasons['model']})",
        f"Top sources: {_pairs(reasons['top_sources'])}",
        f"Top authors: {_pairs(reasons['top_authors'])}",
        f"Also named: {_pairs(reasons['cooccurring_keywords'])}",
        f"Rising terms: {_pairs(reasons['top_terms'])}",
        f"Sentiment: {_sentiment(reasons)}",
    ]


def _sample_line(sample: dict[str, Any]) -> str:
    who = sample["author"] or "anonymous"
    where = sample["source"] or ""
    when = (sample["published_at"] or "undated")[:16].replace("T", " ")
    return f"{sample['kind']} by {who} on {where} ({when}): {sample['url']}"


def text(reasons: dict[str, Any]) -> str:
    body = [subject(reasons), "", *lines(reasons), "", "Examples:"]
    for sample in reasons["samples"]:
        body += [f"- {_sample_line(sample)}", f"  “{sample['snippet']}”"]
    return "\n".join(body) + "\n"


def slack_payload(reasons: dict[str, Any]) -> dict[str, Any]:
    samples = "\n".join(
        f"• <{s['url']}|{(s['title'] or s['url'])[:80]}> — {s['author'] or 'anonymous'}: {s['snippet'][:150]}"
        for s in reasons["samples"]
    )
    return {
        "text": subject(reasons),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject(reasons)[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines(reasons))[:3000]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": ("*Examples*\n" + samples)[:3000]}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"doclisten alert `{reasons['rule']}`"}],
            },
        ],
    }
