#!/bin/sh
# Entrypoint of every Campaign Manager container (web, worker, beat, migrate).
#
# 1. Waits, with a bounded number of attempts, until PostgreSQL (DATABASE_URL) and Redis
#    (REDIS_URL) answer; a variable that is unset is not waited for (embedded default).
# 2. Applies migrations only when RUN_MIGRATIONS=1. Exactly one container should set it: the
#    one-shot `migrate` service in compose.yml (the web replicas start after it has succeeded).
# 3. Execs the command, so it runs as PID 1's child of tini (compose `init: true`) and gets
#    SIGTERM directly: daphne closes connections, celery does a warm shutdown.
#
# Knobs: WAIT_FOR_DEPENDENCIES=0 skips the waiting, WAIT_RETRIES (default 30) and
# WAIT_INTERVAL seconds (default 2) bound it.
set -eu

# docker/.env.example ships placeholders; refuse to run production with them.
case "${SECRET_KEY:-}${DATABASE_URL:-}${METRICS_TOKEN:-}" in
    *CHANGE-ME*)
        echo "entrypoint: SECRET_KEY, POSTGRES_PASSWORD or METRICS_TOKEN is still the CHANGE-ME placeholder" \
            "from docker/.env.example; set real values in docker/.env" >&2
        exit 1
        ;;
esac

WAIT_RETRIES="${WAIT_RETRIES:-30}"
WAIT_INTERVAL="${WAIT_INTERVAL:-2}"

log() {
    echo "entrypoint: $*" >&2
}

# wait_for NAME PYTHON_CHECK: retries the check until it exits 0, at most WAIT_RETRIES times.
wait_for() {
    name="$1"
    check="$2"
    attempt=1
    until python -c "$check" >/dev/null 2>&1; do
        if [ "$attempt" -ge "$WAIT_RETRIES" ]; then
            log "$name still unreachable after $WAIT_RETRIES attempts; last error:"
            python -c "$check" || true
            exit 1
        fi
        log "waiting for $name ($attempt/$WAIT_RETRIES)"
        attempt=$((attempt + 1))
        sleep "$WAIT_INTERVAL"
    done
    log "$name is up"
}

if [ "${WAIT_FOR_DEPENDENCIES:-1}" = "1" ]; then
    if [ -n "${DATABASE_URL:-}" ]; then
        # Parsed like config/settings.py does, then a real round trip (through PgBouncer when the
        # URL points at it, which also proves PgBouncer can reach PostgreSQL).
        wait_for PostgreSQL 'import os, dj_database_url, psycopg; c = dj_database_url.parse(os.environ["DATABASE_URL"]); kw = {"dbname": c.get("NAME"), "user": c.get("USER"), "password": c.get("PASSWORD"), "host": c.get("HOST"), "port": c.get("PORT")}; conn = psycopg.connect(connect_timeout=3, **{k: v for k, v in kw.items() if v}); conn.execute("SELECT 1"); conn.close()'
    fi
    if [ -n "${REDIS_URL:-}" ]; then
        wait_for Redis 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3, socket_timeout=3).ping()'
    fi
fi

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    log "applying migrations"
    python manage.py migrate --noinput
fi

exec "$@"
