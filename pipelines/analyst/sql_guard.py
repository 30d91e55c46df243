"""The statement allow-list of ``doclisten sql``, checked before anything reaches the database.

One statement: ``SELECT``, ``WITH … SELECT``, ``VALUES``, a set operation of those, or ``EXPLAIN`` of one.
The statement is tokenized and parsed by sqlglot in the database's dialect, so comments and string
literals cannot hide anything, and the whole tree is searched: a data-modifying CTE
(``WITH x AS (DELETE … RETURNING …) SELECT …``), ``SELECT … INTO``, ``FOR UPDATE`` or a call of
``set_config()`` (which could undo ``SET ROLE``) is refused. This is the first of three locks; the
connection (read-only transaction and role, or read-only file and authorizer) is the second and third.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from crawler.exceptions import one_line
from pipelines.analyst.filters import AnalystError

DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}
ALLOWED = "one SELECT, WITH … SELECT, VALUES or EXPLAIN of one of those"
FIRST_TOKENS = {TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.L_PAREN}
QUERIES = (exp.Select, exp.SetOperation, exp.Values, exp.Subquery)
WRITES = (
    exp.DML, exp.DDL, exp.Command, exp.Into, exp.Lock, exp.Pragma, exp.Attach, exp.Detach, exp.Set,
    exp.Transaction, exp.Commit, exp.Rollback, exp.Grant, exp.Revoke, exp.Alter, exp.Drop, exp.TruncateTable,
    exp.Analyze, exp.LoadData, exp.Use, exp.Kill, exp.Refresh, exp.Cache, exp.Uncache, exp.Execute, exp.Declare,
)  # fmt: skip
FUNCTIONS = {
    "set_config": "set_config() changes settings, including the role",
    "load_extension": "load_extension() loads native code",
}
EXPLAIN_OPTIONS = {"ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN"}


def refused(why: str) -> AnalystError:
    return AnalystError(f"refused: doclisten sql is read-only and runs {ALLOWED} ({why})")


def check_statement(sql: str, dialect_name: str) -> None:
    """Raise AnalystError unless ``sql`` is one read-only query (``dialect_name``: SQLAlchemy's)."""
    dialect = Dialect.get_or_raise(DIALECTS.get(dialect_name, dialect_name))
    tokens = _tokens(dialect, sql)
    if tokens[0].token_type == TokenType.COMMAND and tokens[0].text.upper() == "EXPLAIN":
        sql = sql[tokens[0].end + 1 :]
        tokens = _tokens(dialect, sql)
        start = _skip_explain_options(tokens)
        sql, tokens = sql[tokens[start].start :], tokens[start:]
    _check_query(dialect, sql, tokens)


def _tokens(dialect: Dialect, sql: str) -> list[Token]:
    try:
        tokens = dialect.tokenize(sql)
    except TokenError as exc:
        raise AnalystError(f"SQL error: {one_line(exc)}") from exc
    if not tokens:
        raise AnalystError("SQL error: no statement to run")
    return tokens


def _skip_explain_options(tokens: list[Token]) -> int:
    """Index of the first token after EXPLAIN's options: ``(ANALYZE, …)`` or ``ANALYZE VERBOSE``/``QUERY PLAN``."""
    index = 0
    if tokens[0].token_type == TokenType.L_PAREN:
        depth = 0
        for index, token in enumerate(tokens):
            depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
            if depth == 0:
                index += 1
                break
    while index < len(tokens) and tokens[index].text.upper() in EXPLAIN_OPTIONS:
        index += 1
    if index >= len(tokens):
        raise AnalystError("SQL error: EXPLAIN of nothing")
    return index


def _check_query(dialect: Dialect, sql: str, tokens: list[Token]) -> None:
    statements = _split(tokens)
    if len(statements) > 1:
        raise AnalystError("refused: doclisten sql runs one statement at a time")
    if not statements:
        raise AnalystError("SQL error: no statement to run")
    first = statements[0][0]
    if first.token_type not in FIRST_TOKENS:
        if first.token_type == TokenType.VAR:
            raise AnalystError(f'SQL error: syntax error at or near "{first.text}"')
        raise refused(f"{first.text.upper()} is not a query")
    try:
        tree = dialect.parse(sql)[0]
    except ParseError as exc:
        raise AnalystError(f"SQL error: cannot parse the statement: {one_line(exc)}") from exc
    if not isinstance(tree, QUERIES):
        raise refused(f"{type(tree).__name__.upper()} is not a query")
    for node in tree.walk():
        if isinstance(node, WRITES):
            raise refused(f"it contains {_describe(node)}")
        if isinstance(node, exp.Anonymous) and node.name.lower() in FUNCTIONS:
            raise refused(FUNCTIONS[node.name.lower()])


def _split(tokens: list[Token]) -> list[list[Token]]:
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append([])
        else:
            statements[-1].append(token)
    return [s for s in statements if s]


def _describe(node: object) -> str:
    if isinstance(node, exp.Into):
        return "SELECT … INTO (it creates a table)"
    if isinstance(node, exp.Lock):
        return "FOR UPDATE/SHARE (it locks rows)"
    return f"a {type(node).__name__.upper()} statement"
