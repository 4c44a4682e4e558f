#!/usr/bin/env bash
# `make up`: the production topology on this machine, without Docker (docs/operations.md).
#
#   nginx :HTTP_PORT ─┬─ plain HTTP ──────────────► web1, web2 (config/web.py: granian, config.wsgi)
#                     └─ Upgrade: websocket, /socket.io/ ► daphne ws1, ws2 (config.asgi)
#   + one Celery worker, one beat; PostgreSQL and Redis as they are here (started if not running).
#
# Everything it starts writes its pid to $DEPLOY_DIR/run and its log to $DEPLOY_DIR/logs;
# `make down` (deploy/down.sh) stops exactly those processes. docker/compose.yml is the same
# topology in containers. Every variable below may be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DEPLOY_DIR=${DEPLOY_DIR:-$ROOT/var/topology}
HTTP_PORT=${HTTP_PORT:-8080}
REPLICAS=${REPLICAS:-2}
# Replica i listens on BASE_PORT+i (web server, HTTP) and BASE_PORT+50+i (daphne, WebSocket).
BASE_PORT=${BASE_PORT:-8100}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
BIN=$(dirname "$PYTHON")

export DATABASE_URL=${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/campaign_manager}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export DEBUG=${DEBUG:-0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
# nginx here speaks plain HTTP; put TLS in front before exposing it, then drop these two.
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-0}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-0}
export PROMETHEUS_MULTIPROC_DIR=$DEPLOY_DIR/metrics
# One web server process per core in all, shared by the replicas.
cores=$(nproc)
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-$(( cores / REPLICAS > 0 ? cores / REPLICAS : 1 ))}

mkdir -p "$DEPLOY_DIR"/{run,logs,nginx}
if [ -z "${SECRET_KEY:-}" ]; then
    [ -s "$DEPLOY_DIR/secret_key" ] || "$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))" > "$DEPLOY_DIR/secret_key"
    SECRET_KEY=$(cat "$DEPLOY_DIR/secret_key")
fi
export SECRET_KEY

log() { echo "up: $*"; }

if ls "$DEPLOY_DIR"/run/*.pid >/dev/null 2>&1; then
    echo "up: $DEPLOY_DIR/run has pid files: already up? Run deploy/down.sh first." >&2
    exit 1
fi

# --- PostgreSQL and Redis, as on this machine (the same steps as .ci/run) ----------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL"
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --dir /var/lib/redis \
        --logfile /var/log/redis/redis.log --appendonly yes --maxmemory-policy noeviction
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
if ! command -v nginx >/dev/null 2>&1; then
    log "installing nginx"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

# --- Database, schema, static files --------------------------------------------------------------
"$PYTHON" - <<'PY'
import os

import dj_database_url
import psycopg

db = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(
    host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
    dbname="postgres", autocommit=True,
) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
PY
# One-off commands keep their metrics to themselves (no multiprocess files of theirs).
env -u PROMETHEUS_MULTIPROC_DIR "$PYTHON" manage.py migrate --noinput >"$DEPLOY_DIR/logs/migrate.log" 2>&1
env -u PROMETHEUS_MULTIPROC_DIR "$PYTHON" manage.py collectstatic --noinput >/dev/null
# Samples of processes from a previous run would be summed in with the new ones.
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

# --- Processes -------------------------------------------------------------------------------------
# Each in its own session (setsid), so it outlives this script and down.sh stops exactly it.
start() {
    local name=$1; shift
    setsid "$@" >>"$DEPLOY_DIR/logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$DEPLOY_DIR/run/$name.pid"
}

http_servers=""
ws_servers=""
for i in $(seq 1 "$REPLICAS"); do
    http_port=$((BASE_PORT + i))
    ws_port=$((BASE_PORT + 50 + i))
    start "web$i" env WEB_BIND="127.0.0.1:$http_port" "$PYTHON" -m config.web
    start "ws$i" "$BIN/daphne" -b 127.0.0.1 -p "$ws_port" --proxy-headers config.asgi:application
    http_servers+="        server 127.0.0.1:$http_port max_fails=3 fail_timeout=10s;"$'\n'
    ws_servers+="        server 127.0.0.1:$ws_port max_fails=3 fail_timeout=10s;"$'\n'
done
start worker "$BIN/celery" -A config worker -l info --concurrency 1 -n "worker@%h"
start beat "$BIN/celery" -A config beat -l info --schedule "$DEPLOY_DIR/celerybeat-schedule"

wait_for() {
    local url=$1
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "up: $url did not answer; see $DEPLOY_DIR/logs" >&2
    return 1
}
for i in $(seq 1 "$REPLICAS"); do
    wait_for "http://127.0.0.1:$((BASE_PORT + i))/health/live/"
    wait_for "http://127.0.0.1:$((BASE_PORT + 50 + i))/health/live/"
done

# --- nginx -----------------------------------------------------------------------------------------
sed -e "s|@DEPLOY_DIR@|$DEPLOY_DIR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
    deploy/nginx.conf.template \
    | "$PYTHON" -c "import sys; t = sys.stdin.read(); print(t.replace('@HTTP_SERVERS@\n', sys.argv[1]).replace('@WS_SERVERS@\n', sys.argv[2]), end='')" \
        "$http_servers" "$ws_servers" > "$DEPLOY_DIR/nginx/nginx.conf"
nginx -t -q -c "$DEPLOY_DIR/nginx/nginx.conf" -p "$DEPLOY_DIR/nginx"
nginx -c "$DEPLOY_DIR/nginx/nginx.conf" -p "$DEPLOY_DIR/nginx"
wait_for "http://127.0.0.1:$HTTP_PORT/health/live/"
log "up on http://127.0.0.1:$HTTP_PORT ($REPLICAS replicas; logs in $DEPLOY_DIR/logs)"
