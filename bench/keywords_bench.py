"""Keyword tagging throughput: doclisten's matcher vs a compiled regex alternation of the same terms.

    .venv/bin/python bench/keywords_bench.py [--rules 5000] [--mb 50] [--regex-seconds 20]

Builds a rule set (the bundled DOC taxonomy plus synthetic brand rules, some with boolean
queries) and a corpus of documents made of shuffled sentences of the sample site's diabetes blog
posts and comments (real DOC prose: brand and topic words at their natural, high density, curly
quotes and dashes), with a synthetic brand mention every ~200 words. Tags every document with ``Matcher.tag`` (folding, Aho-Corasick, rule evaluation, counts,
snippets), then runs ``re.finditer`` with one compiled, case-insensitive alternation of every term
over as much of the corpus as fits in ``--regex-seconds`` (the whole corpus would take hours) and
extrapolates. Both figures come from the same run; the ratio is printed.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import vaderSentiment.vaderSentiment as vader

from doclisten.demo_site.content import load_blogs
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.rules import Rule, RuleSet, bundled_rules

SYLLABLES = "glu ca vex ra lin dia med tro sen so pro max neo vi ta zen lo qui bex tor na mi del".split()  # noqa: SIM905


def brand_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def synthetic_rules(count: int, rng: random.Random) -> list[Rule]:
    rules, names = [], set()
    while len(rules) < count:
        name = brand_name(rng)
        if name in names:
            continue
        names.add(name)
        model = f"{name} {rng.choice(['Pro', 'Go', 'X2', 'Link', 'Flex'])}"
        variants = [name, model, f"{name[:3]}-{name[3:]}"]
        query = None
        kind = len(rules) % 20
        if kind == 0:
            query = f"{name} NEAR/6 (pump* OR sensor* OR meter*)"
            variants = []
        elif kind == 1:
            query = f'NOT "{name} shoes"'
        elif kind == 2:
            query = f"{name} AND (insulin OR glucose)"
            variants = []
        rules.append(Rule(name, rng.choice(["brand", "company", "product"]), variants, query))
    return rules


def sample_sentences() -> list[str]:
    """Real diabetes-blog prose: the posts and comments of the bundled sample site, as sentences."""
    texts = [p.text for blog in load_blogs().values() for p in blog.posts]
    texts += [c.text for blog in load_blogs().values() for p in blog.posts for c in p.comments]
    return [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t.replace("\n\n", " ")) if len(s) > 20]


FUNCTION_WORDS = (  # noqa: SIM905
    "the of and to a in is it you that he was for on are with as i his they be at one have this from or "
    "had by not but what all were we when your can said there use an each which she do how their if will "
    "up other about out many then them these so some her would make like him into time has look two more "
    "go see no way could my than first been who its now people did get come made may part over new after "
    "just where most know take year good day because still back very through well our even also"
).split()


def general_vocabulary() -> list[str]:
    """English words: function words, then the sentiment lexicon VADER ships (about 7,000 words)."""
    lexicon = Path(vader.__file__).with_name("vader_lexicon.txt").read_text(encoding="utf-8")
    words = [line.split("\t", 1)[0] for line in lexicon.splitlines()]
    return FUNCTION_WORDS + [w for w in words if w.isalpha() and w not in FUNCTION_WORDS]


def paragraphs_general(names: list[str], rng: random.Random) -> list[str]:
    """Zipf-distributed English words with a tracked mention about every 200 words."""
    vocabulary = general_vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    out = []
    for _ in range(3000):
        words = rng.choices(vocabulary, weights, k=rng.randint(60, 160))
        for _ in range(max(1, round(len(words) / 200 + rng.random() - 0.5))):
            words.insert(rng.randrange(len(words)), rng.choice(names))
        for i in range(rng.randrange(8, 16), len(words), rng.randrange(8, 16)):
            words[i] += rng.choice([".", ",", ";", "’s", " —", "!"])
        out.append("“" + " ".join(words).capitalize() + ".”")
    return out


def paragraphs_doc(names: list[str], rng: random.Random) -> list[str]:
    """Shuffled sentences of the sample site's posts and comments, plus synthetic brand mentions."""
    texts = [p.text for blog in load_blogs().values() for p in blog.posts]
    texts += [c.text for blog in load_blogs().values() for p in blog.posts for c in p.comments]
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t.replace("\n\n", " ")) if len(s) > 20]
    templates = [
        "I switched to the {} last month.",
        "Has anyone tried {}?",
        "My endo suggested {} for nights.",
    ]
    out = []
    for _ in range(3000):
        picked = [rng.choice(sentences) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.35:
            picked.insert(rng.randrange(len(picked) + 1), rng.choice(templates).format(rng.choice(names)))
        out.append(" ".join(picked))
    return out


def corpus(megabytes: float, paragraphs: list[str], rng: random.Random) -> list[str]:
    docs, size, target = [], 0, int(megabytes * 1_000_000)
    while size < target:
        doc = "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(6, 14)))
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def terms_regex(rules: list[Rule]) -> re.Pattern[str]:
    terms = {t.label.strip('"') for r in rules for t in r.expression.terms()}
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        prefix = term.endswith("*")
        words = re.split(r"[\s\-:]+", term.rstrip("*"))
        pattern = r"[\s\-:]*".join(re.escape(w) for w in words if w)
        parts.append(pattern + (r"\w*" if prefix else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def measure_ours(matcher: Matcher, docs: list[str]) -> tuple[float, float, int]:
    """(MB, CPU seconds, rule matches) of tagging every document."""
    size = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    t0 = time.process_time()
    found = sum(len(matcher.tag(doc)) for doc in docs)
    return size, time.process_time() - t0, found


def measure_regex(regex: re.Pattern[str], docs: list[str], budget: float) -> tuple[float, float, int, int]:
    """(MB, CPU seconds, term hits, documents) of the regex over as many documents as fit in ``budget``."""
    t0, size, hits, count = time.process_time(), 0.0, 0, 0
    for doc in docs:
        hits += sum(1 for _ in regex.finditer(doc))
        size += len(doc.encode("utf-8")) / 1e6
        count += 1
        if time.process_time() - t0 >= budget:
            break
    return size, time.process_time() - t0, hits, count


def compare(label: str, matcher: Matcher, regex: re.Pattern[str], docs: list[str], budget: float) -> None:
    size, seconds, found = measure_ours(matcher, docs)
    ours = size / seconds
    print(f"[{label}] {len(docs)} documents, {size:.1f} MB")
    print(f"  doclisten matcher: {seconds:.2f} s CPU = {ours:.1f} MB/s ({found} rule matches)")
    r_size, r_seconds, hits, count = measure_regex(regex, docs, budget)
    theirs = r_size / r_seconds
    scope = "whole corpus" if count == len(docs) else f"a slice: {count} documents, {r_size:.2f} MB"
    print(f"  regex alternation: {r_seconds:.2f} s CPU = {theirs:.3f} MB/s ({hits} term hits; {scope})")
    if count < len(docs):
        print(f"    (measured on a slice: the whole corpus would take about {size / theirs / 60:.0f} min)")
    print(f"  ratio: {ours / theirs:.0f}x (target >= 20x); throughput {ours:.1f} MB/s (target >= 50 MB/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=5000)
    parser.add_argument("--mb", type=float, default=50.0, help="size of the general-prose corpus")
    parser.add_argument("--doc-mb", type=float, default=10.0, help="size of the DOC-prose corpus")
    parser.add_argument("--regex-seconds", type=float, default=20.0)
    args = parser.parse_args()
    rng = random.Random(42)

    t0 = time.perf_counter()
    base = bundled_rules().rules
    rules = base + synthetic_rules(args.rules - len(base), rng)
    matcher = Matcher(RuleSet(rules, "bench"))
    regex = terms_regex(rules)
    print(
        f"rules: {len(rules)} ({len(base)} bundled + synthetic), compiled in {time.perf_counter() - t0:.2f} s"
    )
    taxonomy = [v for r in base for v in r.variants] + ["insulin prices", "Loop app", "Tandem pump", "#DOC"]
    names = [r.name for r in rules[len(base) :]] + taxonomy * 10
    general = corpus(args.mb, paragraphs_general(names, rng), rng)
    compare("general prose, tracked mention every ~200 words", matcher, regex, general, args.regex_seconds)
    if args.doc_mb > 0:
        doc = corpus(args.doc_mb, paragraphs_doc(names, rng), rng)
        compare(
            "DOC prose: every sentence about diabetes (worst case)", matcher, regex, doc, args.regex_seconds
        )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
