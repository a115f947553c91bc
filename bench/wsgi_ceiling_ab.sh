#!/usr/bin/env bash
# A/B two gunicorn option sets on the bare WSGI app (bench/bare_wsgi.py): the ceiling of any
# route on that web server. Server pinned to CPU 0, wrk to CPU 1, alternating rounds.
#   bench/wsgi_ceiling_ab.sh "--worker-class gthread" "--worker-class sync"
#   bench/wsgi_ceiling_ab.sh "--http-parser python" "--http-parser fast"   # needs gunicorn_h1c
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8199}
[ $# -eq 2 ] || { echo "usage: $0 'gunicorn options A' 'gunicorn options B'" >&2; exit 2; }
for round in $(seq "$ROUNDS"); do
  for options in "$1" "$2"; do
    # shellcheck disable=SC2086  # the options are meant to split into words
    taskset -c 0 "$PYTHON" -m gunicorn --bind "127.0.0.1:$PORT" --workers 1 \
      --worker-class gthread --threads 4 --access-logfile - $options bench.bare_wsgi:app \
      > /dev/null 2>&1 &
    server=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/" > /dev/null && break; sleep 0.1; done
    taskset -c 1 wrk -t1 -c8 -d2s "http://127.0.0.1:$PORT/" > /dev/null
    rate=$(taskset -c 1 wrk -t1 -c8 -d10s "http://127.0.0.1:$PORT/" | awk '/Requests\/sec/ {print $2}')
    echo "round $round: $options: $rate req/s"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
