"""Keyword matching: folding, boolean queries (AND, OR, NOT, NEAR/n, phrases, wildcards), rules files."""

from __future__ import annotations

import pytest

from pipelines.keywords.errors import QueryError, RulesError
from pipelines.keywords.fold import fold
from pipelines.keywords.matcher import Matcher, snippet
from pipelines.keywords.parse import parse_query
from pipelines.keywords.query import term_forms
from pipelines.keywords.rules import Rule, RuleSet, load_rules, parse_rules, rules_path


def matcher(*rules: tuple[str, str, list[str], str | None]) -> Matcher:
    return Matcher(
        RuleSet([Rule(name, group, variants, query) for name, group, variants, query in rules], "test")
    )


def names(m: Matcher, text: str) -> set[str]:
    return {x.keyword for x in m.tag(text)}


def query_matches(query: str, text: str) -> bool:
    return bool(matcher(("Q", "topic", [], query)).tag(text))


# --------------------------------------------------------------------------- folding


def test_fold_is_case_hyphen_and_diacritic_insensitive() -> None:
    assert fold("ACCU-CHEK Guide").text == "accu chek guide"
    assert fold("Accu‑Chek").text == "accu chek"  # non-breaking hyphen
    assert fold("Crème brûlée at the café").text == "creme brulee at the cafe"
    assert fold("#DOC’s").text == "#doc s"


def test_punctuation_folds_to_one_space_each() -> None:
    folded = fold("Wait… what? «Dexcom»—really")
    assert folded.offsets is None and folded.text == "wait  what   dexcom  really"


def test_fold_keeps_an_offset_map_when_lengths_change() -> None:
    text = "Straße e\u0301té Dexcom"  # ß -> ss, decomposed é (combining accent dropped)
    folded = fold(text)
    assert folded.text == "strasse ete dexcom"
    start = folded.text.index("dexcom")
    assert text[slice(*folded.original_span(start, start + 6))] == "Dexcom"
    assert text[slice(*folded.original_span(0, 7))] == "Straße"


def test_term_forms_add_the_joined_spelling() -> None:
    assert [f.text for f in term_forms("Accu-Chek")] == ["accu chek", "accuchek"]
    assert [f.text for f in term_forms("t:slim")] == ["t slim", "tslim"]
    assert term_forms("insulin*")[0].prefix
    for bad in ("ins*lin", "in*", "—"):
        with pytest.raises(QueryError):
            term_forms(bad)


# --------------------------------------------------------------------------- word boundaries and variants


def test_variants_match_whole_words_only_in_any_spelling() -> None:
    m = matcher(
        ("Accu-Chek", "brand", ["Accu-Chek", "AccuChek"], None), ("Roche", "company", ["Roche"], None)
    )
    for text in ("my ACCU-CHEK meter", "an accu chek meter", "Accu–Chek.", "#AccuChek rocks", "(accuchek)"):
        assert names(m, text) == {"Accu-Chek"}, text
    assert names(m, "Rochester and Accu-Chekker and xaccuchek") == set()
    assert names(m, "Roche's event") == {"Roche"}


def test_hashtags_match_plain_rules_but_not_the_reverse() -> None:
    m = matcher(("#DOC", "community", ["#DOC"], None), ("Dexcom", "company", ["Dexcom"], None))
    assert names(m, "love the #DOC and #Dexcom") == {"#DOC", "Dexcom"}
    assert names(m, "my doc said the DOC visit went well") == set()


def test_count_and_snippet_in_the_original_text() -> None:
    m = matcher(("MiniMed", "brand", ["Medtronic MiniMed", "MiniMed"], None))
    text = "First a MiniMed 530G.\nThen — years later — a Medtronic MiniMed 780G, my third MINIMED."
    (found,) = m.tag(text)
    assert found.count == 3  # overlapping variants count once
    assert found.snippet.startswith("First a MiniMed 530G.")
    assert [text[s:e] for s, e in found.spans] == ["MiniMed", "Medtronic MiniMed", "MINIMED"]


def test_snippet_is_cut_at_spaces() -> None:
    text = "word " * 40 + "Dexcom" + " more" * 40
    start = text.index("Dexcom")
    out = snippet(text, start, start + 6, width=20)
    assert out.startswith("…word") and out.endswith("more…") and "Dexcom" in out


# --------------------------------------------------------------------------- boolean queries


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("insulin AND pump", "my insulin pump", True),
        ("insulin AND pump", "insulin only", False),
        ("insulin pump", "a pump for insulin", True),  # adjacent terms: AND
        ('"insulin pump"', "a pump for insulin", False),
        ('"insulin pump"', "my Insulin-Pump broke", True),
        ("Omnipod OR t:slim", "the t:slim X2", True),
        ("Omnipod OR t:slim", "the Tslim", True),
        ("Dexcom NOT G6", "Dexcom G7 review", True),
        ("Dexcom NOT G6", "Dexcom G7 and G6", False),
        ("Dexcom AND NOT (G6 OR G5)", "Dexcom G5", False),
        ("insulin*", "insulins and insulinoma", True),
        ("insulin*", "noninsulin", False),
        ('"closed loop*"', "closed-looping is here", True),
        ("(Lantus OR Levemir) AND price*", "Levemir prices", True),
        ("(Lantus OR Levemir) AND price*", "Lantus again", False),
        ("NOT Dexcom OR Libre", "Libre 3", True),
    ],
)
def test_boolean_semantics(query: str, text: str, expected: bool) -> None:
    assert query_matches(query, text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lilly raised insulin prices", True),  # 1 word between
        ("insulin prices at Lilly", True),  # either order
        ("Lilly one two three four insulin", True),  # 4 words between
        ("Lilly one two three four five insulin", False),  # 5 words between
        ("Lilly", False),
    ],
)
def test_near_counts_words_between_in_either_order(text: str, expected: bool) -> None:
    assert query_matches("Lilly NEAR/4 insulin*", text) is expected


def test_near_with_groups_and_phrases() -> None:
    query = '(pump OR pumps) NEAR/3 ("insulin" OR bolus*)'
    assert query_matches(query, "pumps deliver a bolus")
    assert not query_matches(query, "pumps are loud, and much later we bolus")
    assert query_matches('"Eli Lilly" NEAR/2 Humalog', "Eli Lilly makes Humalog")
    assert query_matches("(Lilly NEAR/2 insulin) NEAR/3 price", "Lilly insulin at this price")


def test_near_and_not_inside_a_rule() -> None:
    m = matcher(("Loop", "product", [], 'Loop NEAR/5 (Dexcom OR pump*) NOT "feedback loop"'))
    assert names(m, "Loop runs my pump") == {"Loop"}
    assert names(m, "Loop runs my pump; a feedback loop") == set()
    assert names(m, "I went around the loop twice") == set()


def test_rule_with_variants_and_query_counts_the_variants() -> None:
    m = matcher(("Tandem", "company", ["Tandem"], "pump* OR t:slim"))
    (found,) = m.tag("Tandem makes pumps. Tandem again.")
    assert found.count == 2
    assert names(m, "we rode in tandem") == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("insulin AND (pump", "missing ')'"),
        ("insulin )", "unexpected ')'"),
        ('"closed loop', "unclosed quote"),
        ("insulin and pump", "capitals"),
        ("insulin AND", "incomplete"),
        ("(a AND b) NEAR/3 c", "NEAR/3 needs terms"),
        ("a NEAR/500 b", "at most"),
        ("", "empty"),
        ("a NEAR/x b", "'NEAR/x': write NEAR/n"),
        ("a NEAR/ b", "'NEAR/': write NEAR/n"),
        ("a NEAR b", "'NEAR': write NEAR/n"),
        ("a near/x b", "'near/x': write NEAR/n"),
        ("a NEAR/0 b", "NEAR/0: at least NEAR/1"),
        ("(" * 2000 + "a" + ")" * 2000, "nested too deeply"),
        ("NOT " * 2000 + "a", "nested too deeply"),
        (" NEAR/1 ".join(["a"] * 2000), "nested too deeply"),
    ],
)
def test_query_errors_are_one_line(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        parse_query(query)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200  # a long query is shown cut


def test_nesting_within_the_limit_parses() -> None:
    assert parse_query("(" * 30 + "a" + ")" * 30).render() == "a"


def test_render_shows_structure() -> None:
    assert parse_query("a OR b c NOT (d OR e)").render() == "a OR (b AND c AND NOT (d OR e))"


# --------------------------------------------------------------------------- rules files


def test_rules_file_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = {
        "[brand]\nname = 'x'": "must be a list of rules",
        "[[brand]]\nvariants = ['x']": "'name' must be",
        "[[brand]]\nname = 'x'\nvaraints = ['y']": "unknown key 'varaints'",
        "[[brand]]\nname = 'x'\nvariants = 'y'": "'variants' must be a list",
        "[[brand]]\nname = 'x'\n[[brand]]\nname = 'x'": "appears twice",
        "[[brand]]\nname = 'x'\nquery = 'NOT y'": "finds nothing",
        "[[brand]\nname = 'x'": "not valid TOML",
        "include_default = 'yes'": "include_default",
        "[[brand]]\nname = 'x'\nquery = 'a NEAR/x b'": r"\[\[brand\]\] #1 \(x\): 'NEAR/x': write NEAR/n",
        "[[brand]]\nname = 'x'\nquery = 'a NEAR/0 b'": r"\(x\): NEAR/0: at least NEAR/1",
        f"[[brand]]\nname = 'x'\nquery = '{'(' * 2000}a{')' * 2000}'": r"\(x\): .*nested too deeply",
    }
    for number, (text, message) in enumerate(bad.items()):
        path = tmp_path / f"r{number}.toml"
        path.write_text(text)
        with pytest.raises(RulesError, match=message) as info:
            load_rules(path)
        assert "\n" not in str(info.value)
    with pytest.raises(RulesError, match="not found"):
        load_rules(tmp_path / "missing.toml")


def test_user_file_replaces_or_extends_the_taxonomy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = tmp_path / "k.toml"
    own.write_text('[[brand]]\nname = "Sugarmate"\n\n[[brand]]\nname = "Dexcom G7"\nvariants = ["G7"]\n')
    assert {r.name for r in load_rules(own).rules} == {"Sugarmate", "Dexcom G7"}
    own.write_text("include_default = true\n" + own.read_text())
    rules = load_rules(own).rules
    assert {"Sugarmate", "Roche", "Accu-Chek"} <= {r.name for r in rules}
    assert [r.variants for r in rules if r.name == "Dexcom G7"] == [["G7"]]  # the user's rule wins


def test_rules_path_from_the_setting_which_the_environment_fills() -> None:
    from doclisten.config import Config

    assert rules_path("/setting.toml") == "/setting.toml"
    assert rules_path(None) is None
    settings = Config.from_env({"DOCLISTEN_KEYWORDS_FILE": "/env.toml"}).settings()
    assert rules_path(settings["DOCLISTEN_KEYWORDS_FILE"]) == "/env.toml"


def test_name_is_the_default_variant() -> None:
    (rule,) = parse_rules({"brand": [{"name": "Gvoke"}]}, "test")
    assert rule.variants == ["Gvoke"]
