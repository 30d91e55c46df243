#!/usr/bin/env bash
# Creates doclisten, the role the app connects as, and doclisten_readonly, the role `doclisten sql` runs
# statements as.
#
# The postgres image gives $POSTGRES_USER every privilege; the app must not have them (a superuser can run
# programs and read and write server files). So the image's superuser stays for administration, and the app
# gets its own login: the owner of the database (it runs the migrations), nothing more.
#
# Run by the postgres image from /docker-entrypoint-initdb.d/ on the FIRST start only (empty data volume),
# as $POSTGRES_USER. The password comes from $APP_PASSWORD; nothing secret is stored in this file. Safe to
# re-run by hand:
#   docker compose exec -e APP_PASSWORD=... postgres bash /docker-entrypoint-initdb.d/05-app-role.sh
# See docs/deployment.md ("Database roles").
set -euo pipefail

: "${APP_PASSWORD:?set APP_PASSWORD (password of the app role doclisten)}"

# psql substitutes :'app_password' as a quoted literal and :"dbname" as a quoted identifier.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" \
    --set app_password="$APP_PASSWORD" \
    --set dbname="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" <<'SQL'
SELECT 'CREATE ROLE doclisten'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'doclisten') \gexec

ALTER ROLE doclisten WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';
-- The app owns the database and (PostgreSQL 15+: schema public belongs to the database owner) its schema.
ALTER DATABASE :"dbname" OWNER TO doclisten;

-- doclisten_readonly: no login, member of nothing, SELECT on the tables; `doclisten sql` does SET ROLE to it.
SELECT 'CREATE ROLE doclisten_readonly'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'doclisten_readonly') \gexec

ALTER ROLE doclisten_readonly WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT doclisten_readonly TO doclisten;
GRANT USAGE ON SCHEMA public TO doclisten_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO doclisten_readonly;
ALTER DEFAULT PRIVILEGES FOR ROLE doclisten IN SCHEMA public GRANT SELECT ON TABLES TO doclisten_readonly;
SQL
