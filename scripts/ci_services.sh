#!/usr/bin/env bash
# Install and start a PostgreSQL server for the store tests, from Debian's
# packages, and print the shell line that hands its URL to the tests:
#
#     eval "$(scripts/ci_services.sh)"    # sets EVENTLENS_TEST_PG=postgresql://...
#
# (.ci/run does this.)  Only that line goes to stdout; the rest to stderr.  Needs root (CI containers run as root).
# Idempotent: a server already answering on the port is reused.
# Environment: PGPORT (default 54329), PGDATA_DIR (default /tmp/eventlens-pg).
set -euo pipefail

PORT="${PGPORT:-54329}"
DATA="${PGDATA_DIR:-/tmp/eventlens-pg}"
DB=eventlens_test
USER_NAME=eventlens
PASSWORD=eventlens
URL="postgresql://${USER_NAME}:${PASSWORD}@127.0.0.1:${PORT}/${DB}"

log() { echo "ci_services: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    log "installing postgresql from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
log "using ${BIN}"

as_pg() { runuser -u postgres -- "$@"; }

if as_pg "${BIN}/pg_isready" -q -h 127.0.0.1 -p "${PORT}"; then
    log "a server already answers on port ${PORT}"
else
    if [ ! -s "${DATA}/PG_VERSION" ]; then
        log "initdb ${DATA}"
        mkdir -p "${DATA}"
        chown postgres:postgres "${DATA}"
        chmod 700 "${DATA}"
        as_pg "${BIN}/initdb" -D "${DATA}" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
    fi
    log "starting on 127.0.0.1:${PORT}"
    as_pg "${BIN}/pg_ctl" -D "${DATA}" -l "${DATA}/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p ${PORT} -k /tmp -c fsync=off -c full_page_writes=off" \
        start >&2
fi

psql_pg() { as_pg psql -h 127.0.0.1 -p "${PORT}" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='${USER_NAME}'")" != "1" ]; then
    psql_pg -c "CREATE ROLE ${USER_NAME} LOGIN CREATEDB PASSWORD '${PASSWORD}'" >&2
fi
if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname='${DB}'")" != "1" ]; then
    psql_pg -c "CREATE DATABASE ${DB} OWNER ${USER_NAME}" >&2
fi
log "ready: ${URL}"
echo "export EVENTLENS_TEST_PG='${URL}'"
