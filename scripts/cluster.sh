#!/usr/bin/env bash
# A local cluster on this machine, every node its own process, logs and pids under .cluster/:
#   Redis (6379, appendonly), a fake OpenAI upstream (9001), three silos and two API nodes.
#   scripts/cluster.sh up | down | status
# API nodes: proxy 8000 / admin 8001 and proxy 8100 / admin 8101. Silos: Orleans 11111-11113, gateways
# 30000-30002, health 8080-8082.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.cluster"
redis_port=${REDIS_PORT:-6379}
fake_port=9001
silos=(11111:30000:8080 11112:30001:8081 11113:30002:8082)
apis=(8000:8001 8100:8101)

start() { # name health-url command...
  local name=$1 url=$2; shift 2
  "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
  for _ in $(seq 1 300); do
    if [ -n "$url" ] && curl -fs "$url" >/dev/null 2>&1; then echo "  $name up (pid $(cat "$state/$name.pid"))"; return; fi
    if ! kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then echo "  $name exited; see $state/$name.log"; tail -n 20 "$state/$name.log"; exit 1; fi
    [ -z "$url" ] && { sleep 0.5; echo "  $name started (pid $(cat "$state/$name.pid"))"; return; }
    sleep 0.2
  done
  echo "  $name not healthy at $url; see $state/$name.log"; exit 1
}

up() {
  mkdir -p "$state/redis"
  echo "building (Release)…"
  dotnet build Actors.sln -c Release -nologo -v quiet >/dev/null
  local bin=Release/net10.0
  start redis "" redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --dir "$state/redis"
  start fake-openai "" dotnet "tools/FakeOpenAI/bin/$bin/Actors.FakeOpenAI.dll" --urls "http://127.0.0.1:$fake_port"
  local i=1
  for s in "${silos[@]}"; do
    IFS=: read -r silo gateway http <<<"$s"
    start "silo$i" "http://127.0.0.1:$http/healthz" dotnet "src/Silo/bin/$bin/Actors.Silo.dll" \
      --Cluster:Redis "127.0.0.1:$redis_port" --Cluster:SiloPort "$silo" --Cluster:GatewayPort "$gateway" --urls "http://127.0.0.1:$http"
    i=$((i + 1))
  done
  i=1
  for a in "${apis[@]}"; do
    IFS=: read -r proxy admin <<<"$a"
    DECK_OPENAI_API_KEY=${DECK_OPENAI_API_KEY:-sk-local-demo} start "api$i" "http://127.0.0.1:$admin/healthz" \
      dotnet "src/Api/bin/$bin/Actors.Api.dll" --Cluster:Redis "127.0.0.1:$redis_port" \
      --urls "http://127.0.0.1:$proxy" --Admin:Urls "http://127.0.0.1:$admin"
    i=$((i + 1))
  done
  echo "cluster up. Try:"
  echo "  sed 's#temperature: 1.0#temperature: 1.0\\n              upstream_url: http://127.0.0.1:$fake_port/v1/chat/completions#' ../shared/examples/ai-proxy-advanced.yaml | curl -s -X POST http://127.0.0.1:8001/config --data-binary @-"
  echo "  curl -s -X POST http://127.0.0.1:8100/route1 -d '{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"
  echo "  open http://127.0.0.1:8001/dashboard/ and http://127.0.0.1:8001/dashboard/routes"
}

down() {
  [ -d "$state" ] || { echo "no cluster"; return; }
  # API nodes first, silos next (they hand their grains' state to storage), Redis last.
  for name in api1 api2 fake-openai silo1 silo2 silo3 redis; do
    local pidfile="$state/$name.pid"
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      echo "  $name stopped"
    fi
    rm -f "$pidfile"
  done
}

status() {
  [ -d "$state" ] || { echo "no cluster"; return; }
  for pidfile in "$state"/*.pid; do
    [ -e "$pidfile" ] || continue
    local name; name=$(basename "$pidfile" .pid)
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "  $name running (pid $(cat "$pidfile"))"; else echo "  $name DEAD"; fi
  done
  for a in "${apis[@]}"; do
    IFS=: read -r _ admin <<<"$a"
    echo "  admin :$admin readyz: $(curl -s "http://127.0.0.1:$admin/readyz" || echo unreachable)"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status"; exit 2 ;;
esac
