#!/usr/bin/env bash
# scale-out.sh — three mcpgw instances behind HAProxy sharing one PostgreSQL for approvals and audit (docs/scale-out.md).
#
#   samples/scale-out/scale-out.sh [SECONDS]      (from the repository root; default 6 seconds of load)
#
# Needs: Gateway.Host built in Release, peers/node_modules (npm ci in peers/), haproxy, the PostgreSQL server binaries
# (peers/pg-throwaway.sh). Everything listens on 127.0.0.1 and is removed at the end. Steps:
#   1. a throwaway PostgreSQL, the test OpenID provider (peers/oidc-provider.mjs), a checkpoint key;
#   2. gw-1, gw-2, gw-3: each a TCP listener, an HTTP front door and an admin listener, server-everything over stdio,
#      approvals and audit in the PostgreSQL (audit.logId gw-N: each writes its own log);
#   3. HAProxy: TCP (round robin, health checks) for the bridge, HTTP sticky on Mcp-Session-Id for the front door;
#   4. load through HAProxy: bridge clients (the official SDK launching `mcpgw bridge`) and front-door clients
#      (the official SDK's Streamable HTTP transport), in loops;
#   5. kill -9 gw-1 half-way; the loops go on through HAProxy, which stops sending to gw-1;
#   6. gw-1 starts again under its log id (as a supervisor would), every instance stops with SIGTERM;
#   7. mcpgw audit verify over every log, and the calls each log recorded.
set -euo pipefail
SECONDS_OF_LOAD=${1:-6}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=$ROOT/Gateway.Host/bin/Release/net10.0/mcpgw.dll
EVERYTHING=$ROOT/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js
WORK=$(mktemp -d)
PIDS=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "${PGDIR:-}" ] && "$ROOT/peers/pg-throwaway.sh" stop "$PGDIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. PostgreSQL, the OpenID provider, the key.
PGPORT=$(free_port); export PGPORT
PGDIR=$("$ROOT/peers/pg-throwaway.sh" start | tail -1)
PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=mcptest"
OIDC_PORT=$(free_port)
# The provider stops when its stdin ends: it reads a FIFO this script holds open until it exits.
mkfifo "$WORK/oidc.in"
OIDC_PORT=$OIDC_PORT node "$ROOT/peers/oidc-provider.mjs" <"$WORK/oidc.in" >"$WORK/oidc.log" 2>&1 & PIDS+=($!)
exec 3>"$WORK/oidc.in"
ISSUER=http://127.0.0.1:$OIDC_PORT
until curl --noproxy "*" -sf "$ISSUER/.well-known/openid-configuration" >/dev/null; do sleep 0.2; done
token() { curl --noproxy "*" -sf -u "$1" -d grant_type=client_credentials -d resource=api://mcp-gateway "$ISSUER/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
token agent-alice:alice-secret >"$WORK/alice.token"
dotnet "$DLL" audit keygen --out "$WORK/key.pem" >/dev/null

# 2. Three instances.
declare -A TCP HTTP ADMIN
for n in 1 2 3; do
  TCP[$n]=$(free_port); HTTP[$n]=$(free_port); ADMIN[$n]=$(free_port)
  cat >"$WORK/gw-$n.json" <<JSON
{
  "listen": "127.0.0.1:${TCP[$n]}",
  "allowPlaintext": true,
  "auth": { "mode": "oidc", "issuer": "$ISSUER", "audience": "api://mcp-gateway", "requireHttpsMetadata": false },
  "admin": { "listen": "127.0.0.1:${ADMIN[$n]}" },
  "http": { "listen": "127.0.0.1:${HTTP[$n]}" },
  "shutdownTimeout": "00:00:05",
  "connections": { "everything": { "transport": "stdio", "command": "node", "args": [ "$EVERYTHING" ] } },
  "policy": { "default": "allow", "rules": [
    { "id": "long-runs", "action": "approve", "approverGroups": [ "mcp-admins" ], "match": { "tools": [ "longRunningOperation" ] } } ] },
  "approvals": { "store": "postgres", "connectionString": "$PG" },
  "audit": { "store": "postgres", "connectionString": "$PG", "logId": "gw-$n", "signingKeyFile": "key.pem", "checkpointInterval": "00:00:01" }
}
JSON
done
start_instance() {
  dotnet "$DLL" serve --config "$WORK/gw-$1.json" >"$WORK/gw-$1.log" 2>&1 & GW[$1]=$!; PIDS+=(${GW[$1]})
  until grep -qs "Gateway listening on" "$WORK/gw-$1.log"; do sleep 0.2; done
}
declare -A GW
for n in 1 2 3; do start_instance $n; done

# 3. HAProxy: TCP for the bridge, HTTP sticky on the session id for the front door.
FRONT_TCP=$(free_port); FRONT_HTTP=$(free_port)
cat >"$WORK/haproxy.cfg" <<CFG
defaults
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  retries 3
  option redispatch
listen mcp-tcp
  mode tcp
  bind 127.0.0.1:$FRONT_TCP
  balance roundrobin
  server gw-1 127.0.0.1:${TCP[1]} check inter 100ms fall 1 rise 2
  server gw-2 127.0.0.1:${TCP[2]} check inter 100ms fall 1 rise 2
  server gw-3 127.0.0.1:${TCP[3]} check inter 100ms fall 1 rise 2
listen mcp-http
  mode http
  bind 127.0.0.1:$FRONT_HTTP
  balance roundrobin
  stick-table type string len 64 size 100k expire 1h
  stick on req.hdr(Mcp-Session-Id)
  stick store-response res.hdr(Mcp-Session-Id)
  server gw-1 127.0.0.1:${HTTP[1]} check inter 100ms fall 1 rise 2
  server gw-2 127.0.0.1:${HTTP[2]} check inter 100ms fall 1 rise 2
  server gw-3 127.0.0.1:${HTTP[3]} check inter 100ms fall 1 rise 2
CFG
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 & PIDS+=($!)
sleep 1

# 4. Load through HAProxy, a handful of clients of each kind.
END=$((SECONDS + SECONDS_OF_LOAD))
bridge_loop() {
  local ok=0 failed=0
  while [ $SECONDS -lt $END ]; do
    if node "$ROOT/peers/ts-stdio-client.mjs" --message "bridge-$1" --timeout-ms 10000 -- \
         dotnet "$DLL" bridge --gateway 127.0.0.1:$FRONT_TCP --connection everything --token-file "$WORK/alice.token" >/dev/null 2>&1
    then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  echo "bridge client $1: $ok sessions ok, $failed failed" >>"$WORK/load.txt"
}
http_loop() {
  local ok=0 failed=0
  while [ $SECONDS -lt $END ]; do
    if node "$ROOT/peers/ts-http-client.mjs" --url "http://127.0.0.1:$FRONT_HTTP/mcp/everything" --token "$(cat "$WORK/alice.token")" \
         --scenario basic --timeout-ms 10000 >/dev/null 2>&1
    then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  echo "front-door client $1: $ok sessions ok, $failed failed" >>"$WORK/load.txt"
}
LOADERS=()
for c in 1 2; do bridge_loop $c & LOADERS+=($!); http_loop $c & LOADERS+=($!); done

# 5. kill -9 one instance half-way.
sleep $((SECONDS_OF_LOAD / 2))
kill -9 "${GW[1]}"
echo "killed gw-1 (pid ${GW[1]}) under load"
wait "${LOADERS[@]}"
cat "$WORK/load.txt"

# 6. gw-1 back under its log id, then every instance stops cleanly (final checkpoints).
start_instance 1
for n in 1 2 3; do kill -TERM "${GW[$n]}"; done
for n in 1 2 3; do while kill -0 "${GW[$n]}" 2>/dev/null; do sleep 0.2; done; done

# 7. Every log verifies; the calls each log recorded.
dotnet "$DLL" audit verify --config "$WORK/gw-1.json"
for n in 1 2 3; do
  echo "log gw-$n: $(dotnet "$DLL" audit query --config "$WORK/gw-1.json" --log gw-$n --tool echo --json | grep -c '"direction":"client_to_upstream"') echo calls forwarded"
done
