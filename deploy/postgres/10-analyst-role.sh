#!/usr/bin/env bash
# Creates doclisten_analyst: a read-only login for analysts (SQL clients, notebooks, BI tools).
#
# Run by the postgres image from /docker-entrypoint-initdb.d/ on the FIRST start only (empty data volume),
# as $POSTGRES_USER, after 05-app-role.sh (which creates the app role doclisten, the owner whose migrations
# create the tables, and doclisten_readonly). The password comes from $ANALYST_PASSWORD; nothing secret is
# stored in this file. Safe to re-run by hand:
#   docker compose exec -e ANALYST_PASSWORD=... postgres bash /docker-entrypoint-initdb.d/10-analyst-role.sh
# See docs/deployment.md ("Analyst access").
set -euo pipefail

: "${ANALYST_PASSWORD:?set ANALYST_PASSWORD (password of the read-only role doclisten_analyst)}"

# psql substitutes :'analyst_password' as a quoted literal and :"dbname" as a quoted identifier.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" \
    --set analyst_password="$ANALYST_PASSWORD" \
    --set dbname="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" <<'SQL'
SELECT 'CREATE ROLE doclisten_analyst'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'doclisten_analyst') \gexec

ALTER ROLE doclisten_analyst WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'analyst_password';
-- Belt and braces: the role's sessions are read-only even before privileges are considered.
ALTER ROLE doclisten_analyst SET default_transaction_read_only = on;

-- Nobody but the owner creates objects in public (the PostgreSQL 15+ default, made explicit).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT CONNECT ON DATABASE :"dbname" TO doclisten_analyst;
GRANT USAGE ON SCHEMA public TO doclisten_analyst;
-- Tables that exist now (none on a fresh volume; some when re-run after `doclisten migrate`) ...
GRANT SELECT ON ALL TABLES IN SCHEMA public TO doclisten_analyst;
-- ... and every table the owner (doclisten's migrations) creates later.
ALTER DEFAULT PRIVILEGES FOR ROLE doclisten IN SCHEMA public GRANT SELECT ON TABLES TO doclisten_analyst;
-- `doclisten sql` run with the analyst's URL enters doclisten_readonly (SET ROLE), which reads the same.
GRANT doclisten_readonly TO doclisten_analyst;
SQL
