#!/usr/bin/env bash
# `make down`: stops what deploy/up.sh started (the pids in $DEPLOY_DIR/run), nothing else.
# PostgreSQL and Redis keep running: they were there before and others may use them.
set -uo pipefail
cd "$(dirname "$0")/.."
DEPLOY_DIR=${DEPLOY_DIR:-$(pwd)/var/topology}

shopt -s nullglob
pids=()
for file in "$DEPLOY_DIR"/run/*.pid; do
    pid=$(cat "$file")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        # The web server, daphne, Celery and nginx all stop gracefully on SIGTERM (nginx: fast stop).
        kill -TERM "$pid" && pids+=("$pid")
    fi
    rm -f "$file"
done
for _ in $(seq 1 40); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && break
    sleep 0.5
done
for pid in "${alive[@]}"; do
    echo "down: $pid did not stop in 20 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
done
echo "down: stopped ${#pids[@]} processes"
