#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a fresh cluster in a temporary directory (trust auth, UTF8, locale C),
# starts it on a free TCP port on 127.0.0.1 only (Unix socket inside the
# temporary directory), creates the database "improve", exports
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/improve
#
# runs CMD, then always stops the server and removes the directory.
# Exits with CMD's exit code.
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# "postgres" user (created if missing). If the server binaries are not
# installed, Debian's "postgresql" package is installed with apt-get.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

# --- find (or install) the server binaries ----------------------------------

find_bindir() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 \
        && command -v postgres >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    # Debian keeps the server binaries off PATH; take the newest version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! PGBIN="$(find_bindir)"; then
    log "PostgreSQL server binaries not found; installing Debian package 'postgresql'"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
    PGBIN="$(find_bindir)" || { log "still no initdb/pg_ctl/postgres after install"; exit 1; }
fi

# Client tools: prefer the ones next to the server, else whatever is on PATH.
client() {
    local name="$1"
    if [ -x "$PGBIN/$name" ]; then echo "$PGBIN/$name"; else command -v "$name"; fi
}
PG_ISREADY="$(client pg_isready || true)"
CREATEDB="$(client createdb)" || { log "createdb not found"; exit 1; }

# --- who runs the server -------------------------------------------------------

if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        log "creating system user 'postgres'"
        if getent group postgres >/dev/null; then group=(--gid postgres); else group=(--user-group); fi
        useradd --system "${group[@]}" --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if command -v runuser >/dev/null 2>&1; then
        as_pg() { runuser -u postgres -- "$@"; }
    else
        as_pg() { su -s /bin/bash postgres -c "$(printf '%q ' "$@")"; }
    fi
else
    as_pg() { "$@"; }
fi

# --- temp dir, cleanup ------------------------------------------------------

# /tmp, not $TMPDIR: the postgres user must reach it and the socket path must stay short.
PGTMP="$(mktemp -d /tmp/with-postgres.XXXXXX)"
DATA="$PGTMP/data"
SOCK="$PGTMP/sock"
LOGFILE="$PGTMP/postgres.log"
mkdir -p "$SOCK"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$PGTMP"
fi
chmod 700 "$PGTMP"

STARTED=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$STARTED" -eq 1 ]; then
        (cd "$PGTMP" && as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null) \
            || log "pg_ctl stop failed"
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- initdb, start ----------------------------------------------------------

# The postgres user may not be able to read the caller's working directory.
(cd "$PGTMP" && as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$PGTMP/initdb.log" 2>&1) || {
    cat "$PGTMP/initdb.log" >&2
    log "initdb failed"
    exit 1
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

PORT=""
for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    # Durability is pointless for a throwaway test database: trade it for speed.
    if (cd "$PGTMP" && as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null); then
        STARTED=1
        break
    fi
    log "start on port $PORT failed (attempt $attempt)"
    tail -n 20 "$LOGFILE" >&2 || true
    # The port may have been taken between picking and binding; if a server
    # did start anyway, stop it before retrying.
    (cd "$PGTMP" && as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1) || true
done
if [ "$STARTED" -ne 1 ]; then
    log "could not start PostgreSQL"
    exit 1
fi

# pg_ctl -w already waited; double-check over TCP, bounded.
ready=0
for _ in $(seq 1 60); do
    if [ -n "$PG_ISREADY" ]; then
        if "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; then ready=1; break; fi
    else
        ready=1
        break
    fi
    sleep 0.5
done
if [ "$ready" -ne 1 ]; then
    tail -n 50 "$LOGFILE" >&2 || true
    log "PostgreSQL on port $PORT did not become ready"
    exit 1
fi

# Over TCP with trust auth, as the database user postgres (works for root too).
"$CREATEDB" -h 127.0.0.1 -p "$PORT" -U postgres improve

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/improve"
log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ready: $DATABASE_URL"

# --- run the command --------------------------------------------------------

set +e
"$@"
rc=$?
set -e
exit "$rc"
