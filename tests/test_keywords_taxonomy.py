"""The bundled DOC taxonomy on realistic sentences: hits with canonical names, and no false friends."""

from __future__ import annotations

import pytest

from pipelines.keywords.matcher import Matcher
from pipelines.keywords.rules import bundled_rules


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(bundled_rules())


def found(matcher: Matcher, text: str) -> set[str]:
    return {m.keyword for m in matcher.tag(text)}


REQUIRED = {
    "company": {
        "Roche",
        "Medtronic",
        "Animas",
        "Dexcom",
        "Abbott",
        "Insulet",
        "Tandem Diabetes Care",
        "Novo Nordisk",
        "Eli Lilly",
        "Sanofi",
    },
    "brand": {
        "Accu-Chek",
        "MiniMed",
        "FreeStyle Libre",
        "Omnipod",
        "t:slim",
        "NovoLog",
        "Ozempic",
        "Humalog",
        "Mounjaro",
        "Lantus",
        "Baqsimi",
        "Gvoke",
    },
    "product": {
        "glucagon",
        "insulin",
        "insulin pump",
        "CGM",
        "glucose meter",
        "test strips",
        "closed loop",
        "Loop",
        "OpenAPS",
    },
    "condition": {
        "type 1 diabetes",
        "type 2 diabetes",
        "LADA",
        "gestational diabetes",
        "hypoglycemia",
        "hyperglycemia",
        "DKA",
        "diabetes burnout",
    },
    "topic": {"A1c", "insulin prices"},
    "community": {"#DOC", "DSMA", "#WeAreNotWaiting"},
}


def test_taxonomy_covers_the_doc_essentials() -> None:
    rules = bundled_rules().rules
    by_group: dict[str, set[str]] = {}
    for rule in rules:
        by_group.setdefault(rule.group, set()).add(rule.name)
    for group, required in REQUIRED.items():
        assert required <= by_group.get(group, set()), (group, required - by_group.get(group, set()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Got my new ACCU-CHEK Guide at the Roche Diabetes Care booth.", {"Accu-Chek", "Roche"}),
        (
            "My accuchek meter and its test strips live in my bag.",
            {"Accu-Chek", "test strips", "glucose meter"},
        ),
        (
            "Switched from an Animas Ping to a Medtronic MiniMed 780G last spring.",
            {"Animas", "Animas Ping", "Medtronic", "MiniMed"},
        ),
        (
            "The Dexcom G7 warm-up is half an hour; my CGM finally talks to my watch.",
            {"Dexcom", "Dexcom G7", "CGM"},
        ),
        (
            "Abbott's FreeStyle Libre 3 is cheaper with my insurance.",
            {"Abbott", "FreeStyle Libre", "insurance"},
        ),
        ("Insulet shipped my Omnipod 5 pods late again.", {"Insulet", "Omnipod"}),
        (
            "Tandem says the t:slim X2 update fixes Control-IQ alerts.",
            {"Tandem Diabetes Care", "t:slim", "Control-IQ"},
        ),
        (
            "Novo Nordisk cut the list price of NovoLog; Ozempic shortages continue.",
            {"Novo Nordisk", "NovoLog", "Ozempic"},
        ),
        (
            "Eli Lilly capped Humalog at $35 a month. Mounjaro is another story.",
            {"Eli Lilly", "Humalog", "Mounjaro", "insulin prices"},
        ),
        (
            "Sanofi makes Lantus, which my endo prescribed after my type 2 diagnosis.",
            {"Sanofi", "Lantus", "type 2 diabetes"},
        ),
        (
            "Baqsimi is nasal glucagon; Gvoke HypoPen is a ready-to-use glucagon pen.",
            {"Baqsimi", "Gvoke", "glucagon"},
        ),
        (
            "Our DIY Loop runs on an old iPhone; before that we used OpenAPS. #WeAreNotWaiting",
            {"Loop", "OpenAPS", "#WeAreNotWaiting"},
        ),
        ("Hybrid closed-loop systems cut my severe lows in half.", {"closed loop", "hypoglycemia"}),
        ("Diagnosed with LADA at 38, not type 1 as the ER assumed.", {"LADA", "type 1 diabetes"}),
        ("Gestational diabetes at 28 weeks meant finger sticks four times a day.", {"gestational diabetes"}),
        ("DKA landed him in the ICU; hyperglycemia for days before that.", {"DKA", "hyperglycemia"}),
        ("My A1c is 6.8 but the burnout is real.", {"A1c", "diabetes burnout"}),
        ("Join the #DOC for DSMA chat on Wednesday!", {"#DOC", "DSMA"}),
        ("I'm rationing insulin because the price of insulin doubled.", {"insulin", "insulin prices"}),
        ("The insulin pump tubing caught on a door handle.", {"insulin", "insulin pump"}),
    ],
)
def test_realistic_sentences(matcher: Matcher, text: str, expected: set[str]) -> None:
    got = found(matcher, text)
    assert expected <= got, (expected - got, got)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("My doc said to come back in three months.", "#DOC"),
        ("We rode a tandem bicycle along the river.", "Tandem Diabetes Care"),
        ("Stuck in a feedback loop of bad news.", "Loop"),
        ("Lilly, my sister, baked a cake.", "Eli Lilly"),
        ("The paradigm shift in education.", "MiniMed"),
        ("Rochester is cold in January.", "Roche"),
        ("She walked the dog to the park.", "insulin pump"),
    ],
)
def test_false_friends_are_not_tagged(matcher: Matcher, text: str, absent: str) -> None:
    assert absent not in found(matcher, text)
