"""``doclisten_readonly``: the PostgreSQL role ``doclisten sql`` runs every statement as.

A NOLOGIN role, member of no other role, with USAGE on the current schema and SELECT on its tables and
views, and nothing else: no superuser (so no ``COPY … TO PROGRAM``/``TO 'file'``, no ``pg_read_file()``),
no ``pg_read_server_files``-like membership. Roles are cluster-wide: it is created once, by a user allowed
to (a superuser, or one with CREATEROLE), and granted per database (by the tables' owner). The connecting
user enters it with ``SET LOCAL ROLE`` inside the read-only transaction: a superuser always can, anyone
else must be a member. When the role cannot be created or entered, ``doclisten sql`` refuses in one line
instead of running the statement as the connecting user.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.exceptions import one_line
from pipelines.analyst.filters import AnalystError

logger = logging.getLogger(__name__)

READONLY_ROLE = "doclisten_readonly"
ADMIN_HINT = (
    f"an administrator can run: CREATE ROLE {READONLY_ROLE} NOLOGIN; GRANT {READONLY_ROLE} TO <user>; "
    f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READONLY_ROLE} (docs/deployment.md)"
)
GRANTED = f"""
SELECT current_schema() IS NULL OR has_schema_privilege('{READONLY_ROLE}', current_schema(), 'USAGE')
   AND NOT EXISTS (
       SELECT 1 FROM pg_class c
       WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
         AND NOT has_table_privilege('{READONLY_ROLE}', c.oid, 'SELECT'))
"""
PRIVILEGED = f"""
SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
       OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)
FROM pg_roles r WHERE r.rolname = '{READONLY_ROLE}'
"""


def prepare_readonly_role(raw: Any, dbapi_error: type[Exception]) -> None:
    """Make sure the connecting user can ``SET ROLE doclisten_readonly`` and the role reads the schema.

    Runs (and commits) before the statement's read-only transaction; raises AnalystError when the role
    cannot be created or entered, or has become more than read-only.
    """
    cur = raw.cursor()
    try:
        if not _exists(cur):
            _create(cur, raw, dbapi_error)
        cur.execute(f"SELECT pg_has_role(current_user, '{READONLY_ROLE}', 'MEMBER')")
        if not cur.fetchone()[0]:
            cur.execute(f"GRANT {READONLY_ROLE} TO CURRENT_USER")
        raw.commit()
    except dbapi_error as exc:
        raw.rollback()
        raise AnalystError(
            f"refused: doclisten sql runs queries as the read-only role {READONLY_ROLE}, which this database "
            f"user cannot create or enter ({one_line(exc)}); {ADMIN_HINT}"
        ) from exc
    cur.execute(PRIVILEGED)
    privileged = cur.fetchone()[0]
    raw.rollback()
    if privileged:
        raise AnalystError(
            f"refused: the role {READONLY_ROLE} is not read-only (it has superuser/admin attributes or is a "
            "member of other roles); drop it or revoke them"
        )
    _grant_select(cur, raw, dbapi_error)


def _exists(cur: Any) -> bool:
    cur.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}'")
    return cur.fetchone() is not None


def _create(cur: Any, raw: Any, dbapi_error: type[Exception]) -> None:
    try:
        cur.execute(f"CREATE ROLE {READONLY_ROLE} NOLOGIN")
        raw.commit()
        logger.info("created the PostgreSQL role %s (doclisten sql runs queries as it)", READONLY_ROLE)
    except dbapi_error:
        raw.rollback()
        if not _exists(cur):  # not another doclisten sql creating it at the same moment
            raise


def _grant_select(cur: Any, raw: Any, dbapi_error: type[Exception]) -> None:
    """Grant USAGE and SELECT on the current schema (new tables since last time) when the user may."""
    cur.execute(GRANTED)
    if cur.fetchone()[0]:
        raw.rollback()
        return
    try:
        cur.execute("SELECT quote_ident(current_schema())")
        schema = cur.fetchone()[0]
        cur.execute(f"GRANT USAGE ON SCHEMA {schema} TO {READONLY_ROLE}")
        cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {READONLY_ROLE}")
        raw.commit()
    except dbapi_error as exc:  # not the owner: queries of the tables not granted are refused
        raw.rollback()
        logger.debug("cannot grant SELECT to %s: %s", READONLY_ROLE, one_line(exc))
