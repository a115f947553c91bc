#!/usr/bin/env bash
# Which web server could carry our app: the bare WSGI app (bench/bare_wsgi.py), our /livez
# route and a repeated point lookup (answered from the response cache) under gunicorn as
# `newsgraph serve --server gunicorn` runs it (gthread), gunicorn's gevent worker, granian's
# own WSGI interface, and granian through our RSGI bridge as `newsgraph serve` runs it
# (server/rsgi.py); and the same point lookup on rdflib-endpoint over an N-Quads dump of the
# same store.
# One worker each, server pinned to CPU 0, wrk to CPU 1, 8 connections, 10 s, alternating.
#   .venv/bin/pip install gevent "rdflib-endpoint[cli]"   # only for this comparison
#   bench/web_server_ab.sh DATA_DIR            # a built data directory (bundled corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 DATA_DIR (a built data directory)" >&2; exit 2; }
PYTHON=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PYTHON")
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-8199}
export NEWSGRAPH_DATA_DIR=$1 NEWSGRAPH_QUERY_PROCESSES=1
IRI=${IRI:-http://127.0.0.1:5000/id/actor/mustafa-al-kadhimi}
QUERY=$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"query": sys.argv[1]}))' \
  "SELECT ?p ?o WHERE { <$IRI> ?p ?o }")
LOG_FORMAT=$("$PYTHON" -c 'from newsgraph.cli import ACCESS_LOG_FORMAT; print(ACCESS_LOG_FORMAT)')
ACCEPT='Accept: application/sparql-results+json'

start() {  # server app: start it on CPU 0, wait until it answers
  local target=bench.bare_wsgi:app factory=() ready=livez
  [ "$2" = ours ] && target="newsgraph.server:create_app()" && factory=(--factory)
  case $1 in
    gthread | gevent)
      local worker=(--worker-class gthread --threads 4)
      [ "$1" = gevent ] && worker=(--worker-class gevent --worker-connections 100)
      taskset -c 0 "$PYTHON" -m gunicorn --bind "127.0.0.1:$PORT" --workers 1 "${worker[@]}" \
        --access-logfile - --access-logformat "$LOG_FORMAT" "$target" > /dev/null 2>&1 & ;;
    granian)
      [ "$2" = ours ] && target=newsgraph.server:create_app
      taskset -c 0 "$BIN/granian" --interface wsgi --host 127.0.0.1 --port "$PORT" --workers 1 \
        --access-log "${factory[@]}" "$target" > /dev/null 2>&1 & ;;
    bridge)
      target=bench.bare_wsgi:rsgi_app
      [ "$2" = ours ] && target=newsgraph.server.rsgi:create_rsgi_app
      taskset -c 0 "$BIN/granian" --interface rsgi --host 127.0.0.1 --port "$PORT" --workers 1 \
        --no-ws --factory "$target" > /dev/null 2>&1 & ;;
    rdflib-endpoint)
      ready="?$QUERY"
      taskset -c 0 "$BIN/rdflib-endpoint" serve "$DUMP/data.nq" --host 127.0.0.1 --port "$PORT" \
        > /dev/null 2>&1 & ;;
  esac
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/$ready" > /dev/null && return; sleep 0.2; done
  echo "round $round: $1: $2 app did not start" >&2
  stop
  return 1
}

stop() {
  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
}

rate() {  # path
  taskset -c 1 wrk -t1 -c8 -d2s -H "$ACCEPT" "http://127.0.0.1:$PORT/$1" > /dev/null
  taskset -c 1 wrk -t1 -c8 -d10s -H "$ACCEPT" "http://127.0.0.1:$PORT/$1" |
    awk '/Requests\/sec/ {rate=$2} /Non-2xx/ {bad=" (" $4 " not 2xx)"} END {print rate bad}'
}

DUMP=$(mktemp -d)
trap 'rm -rf "$DUMP"' EXIT
"$PYTHON" -c 'import sys, pyoxigraph as ox
ox.Store.read_only(sys.argv[1]).dump(sys.argv[2], ox.RdfFormat.N_QUADS)' "$1/current" "$DUMP/data.nq"

for round in $(seq "$ROUNDS"); do
  for kind in gthread gevent granian bridge; do
    if start "$kind" bare; then
      echo "round $round: $kind: bare WSGI app: $(rate '') req/s"
      stop
    fi
    if start "$kind" ours; then
      echo "round $round: $kind: our /livez: $(rate livez) req/s"
      echo "round $round: $kind: our point lookup, cached: $(rate "sparql?$QUERY") req/s"
      stop
    fi
  done
  if start rdflib-endpoint dump; then
    echo "round $round: rdflib-endpoint: point lookup: $(rate "?$QUERY") req/s"
    stop
  fi
done
