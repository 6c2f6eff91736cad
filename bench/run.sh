#!/usr/bin/env bash
# One-command benchmark: bash bench/run.sh [seconds per run, default 10]
# Drives the same POST load with wrk through: the upstream directly; nginx as a round-robin proxy; our gateway in
# embedded mode; our gateway in cluster mode (Redis + one silo + one API node); the Portkey gateway (loadbalance).
# Then time to first byte of a stream through each, the scale test (1/10/100/1000 routes; 1 vs 2 API nodes),
# and peak memory. Prints a table and writes bench/results/latest.md. Needs: nginx, wrk, redis-server, node/npm.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-10}
conns=${CONNECTIONS:-64}
# .NET tiers its code up (with profile-guided optimisation) over the first ~30 s under load; measure after that.
warmup=${WARMUP:-30}
memory_secs=${MEMORY_SECS:-60}
work="$root/bench/.work"
rm -rf "$work"; mkdir -p "$work"
out="$root/bench/results/latest.md"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "missing $1 (apt-get install -y $2)"; exit 1; }; }
need nginx nginx-light; need wrk wrk; need redis-server redis-server; need npm nodejs
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }

echo "building (Release)…"
dotnet build Actors.sln -c Release -nologo -v quiet >/dev/null
bin=Release/net10.0

# ---- upstreams: nginx answering a canned 0.4 kB chat completion on two ports -----------------------------------
canned='{"id":"chatcmpl-bench","object":"chat.completion","created":1758745420,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":{"role":"assistant","content":"Adam Mickiewicz is most often considered the greatest Polish writer.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":15,"completion_tokens":12,"total_tokens":27},"service_tier":"default","system_fingerprint":"fp_bench"}'
u1=$(port); u2=$(port); proxy=$(port); fake=$(port); proxy_stream=$(port)
temps="client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3; uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;"
cat >"$work/upstream.conf" <<CONF
worker_processes 1; pid $work/upstream.pid; error_log $work/upstream-error.log; events { worker_connections 8192; }
http { access_log off; $temps
  server { listen 127.0.0.1:$u1; location / { default_type application/json; return 200 '$canned'; } }
  server { listen 127.0.0.1:$u2; location / { default_type application/json; return 200 '$canned'; } } }
CONF
cat >"$work/proxy.conf" <<CONF
worker_processes auto; pid $work/proxy.pid; error_log $work/proxy-error.log; events { worker_connections 8192; }
http { access_log off; $temps
  upstream llm { server 127.0.0.1:$u1; server 127.0.0.1:$u2; keepalive 128; }
  server { listen 127.0.0.1:$proxy; location / { proxy_pass http://llm; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$proxy_stream; location / { proxy_pass http://127.0.0.1:$fake; proxy_http_version 1.1; proxy_buffering off; } } }
CONF
nginx -p "$work" -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!)
nginx -p "$work" -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!)
dotnet "tools/FakeOpenAI/bin/$bin/Actors.FakeOpenAI.dll" --urls "http://127.0.0.1:$fake" --Fake:StreamChunkDelayMs 50 >"$work/fake.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$u1/"; wait_http "http://127.0.0.1:$proxy/"

# ---- decK files for our gateway --------------------------------------------------------------------------------
deck() { # routes upstream1 upstream2
  echo '_format_version: "3.0"'; echo 'services:'; echo '- name: bench'; echo '  routes:'
  for i in $(seq 0 $(($1 - 1))); do cat <<YAML
  - name: r$i
    paths: [/r$i]
    plugins:
    - name: ai-proxy-advanced
      config:
        targets:
        - model: {provider: openai, name: gpt-4.1, options: {upstream_url: '$2', temperature: 1.0}}
          route_type: llm/v1/chat
          auth: {header_name: Authorization, header_value: 'Bearer \${{ env "DECK_OPENAI_API_KEY" }}'}
        - model: {provider: openai, name: gpt-5, options: {upstream_url: '$3', temperature: 1.0}}
          route_type: llm/v1/chat
          auth: {header_name: Authorization, header_value: 'Bearer \${{ env "DECK_OPENAI_API_KEY" }}'}
YAML
  done
}
deck 1 "http://127.0.0.1:$u1/v1/chat/completions" "http://127.0.0.1:$u2/v1/chat/completions" >"$work/one.yaml"
deck 1 "http://127.0.0.1:$fake/v1/chat/completions" "http://127.0.0.1:$fake/v1/chat/completions" >"$work/stream.yaml"
export DECK_OPENAI_API_KEY=sk-bench
# per-request log lines at Information would measure the console, not the gateway
quiet=(--Logging:LogLevel:Default Warning)

start_api() { # name proxy admin extra-args...
  local name=$1 p=$2 a=$3; shift 3
  dotnet "src/Api/bin/$bin/Actors.Api.dll" --urls "http://127.0.0.1:$p" --Admin:Urls "http://127.0.0.1:$a" "${quiet[@]}" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!); echo $! >"$work/$name.pid"
  wait_http "http://127.0.0.1:$a/healthz"
}
apply() { curl -fs -X POST "http://127.0.0.1:$1/config" --data-binary @"$2" >/dev/null; }

# ---- wrk runs -------------------------------------------------------------------------------------------------
results=()
run() { # label url [ROUTES]
  local label=$1 url=$2 routes=${3:-0}
  ROUTES=$routes wrk -t2 -c"$conns" -d"${warmup}s" -s bench/wrk-post.lua "$url" >/dev/null 2>&1 || true   # warm-up: let the JIT tier up
  local txt; txt=$(ROUTES=$routes wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/wrk-post.lua "$url" 2>&1)
  echo "$txt" >"$work/wrk-$(echo "$label" | tr ' /()' '____').txt"
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$txt")
  p50=$(awk '$1=="50%" {print $2}' <<<"$txt"); p99=$(awk '$1=="99%" {print $2}' <<<"$txt")
  errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$txt")
  results+=("$label|$rps|$p50|$p99|$errs")
  printf '  %-42s %10s req/s  p50 %-9s p99 %-9s errors %s\n' "$label" "$rps" "$p50" "$p99" "$errs"
}
ttfb=()
stream_ttfb() { # label url
  local body='{"messages":[{"role":"user","content":"hi"}],"stream":true}'
  local t; t=$(for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' -X POST -H 'Content-Type: application/json' "${@:3}" -d "$body" "$2"
  done | sort -n | sed -n 3p)   # the median of five, by first byte
  ttfb+=("$1|$(awk '{printf "%.1f ms|%.1f ms", $1*1000, $2*1000}' <<<"$t")")
}
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$(cat "$work/$1.pid")/status"; }

echo "load: wrk -t2 -c$conns -d${secs}s, POST of a small chat request, canned 0.4 kB answer"
run "upstream directly (nginx return 200)" "http://127.0.0.1:$u1/v1/chat/completions"
run "nginx round-robin proxy" "http://127.0.0.1:$proxy/v1/chat/completions"

gp=$(port); ga=$(port)
start_api embedded "$gp" "$ga" --Cluster:SiloPort "$(port)" --Cluster:GatewayPort "$(port)"
apply "$ga" "$work/one.yaml"
run "actors, embedded mode" "http://127.0.0.1:$gp/r0"
embedded_peak=$(peak_kb embedded)
# memory over a long run: resident set size every 5 s while wrk keeps the gateway busy
wrk -t2 -c"$conns" -d"${memory_secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$gp/r0" >"$work/wrk-memory.txt" 2>&1 & wm=$!
rss=()
for _ in $(seq 1 $((memory_secs / 5))); do sleep 5; rss+=("$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$(cat "$work/embedded.pid")/status")"); done
wait "$wm" || true
memory_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-memory.txt")
printf '  %-42s %s MiB (every 5 s), %s req/s\n' "memory over ${memory_secs} s, embedded" "${rss[*]}" "$memory_rps"
apply "$ga" "$work/stream.yaml"
stream_ttfb "fake upstream directly" "http://127.0.0.1:$fake/v1/chat/completions"
stream_ttfb "nginx proxy (proxy_buffering off)" "http://127.0.0.1:$proxy_stream/v1/chat/completions"
stream_ttfb "actors, embedded mode" "http://127.0.0.1:$gp/r0"
scale=()
for n in 1 10 100 1000; do
  deck "$n" "http://127.0.0.1:$u1/v1/chat/completions" "http://127.0.0.1:$u2/v1/chat/completions" >"$work/scale.yaml"
  apply "$ga" "$work/scale.yaml"; sleep 1
  run "actors embedded, $n routes" "http://127.0.0.1:$gp" "$n"
  scale+=("${results[-1]}")
done
kill "$(cat "$work/embedded.pid")"

# ---- cluster mode: Redis, one silo, then one and two API nodes ------------------------------------------------
rp=$(port)
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 & pids+=($!)
sp=$(port); sg=$(port); sh=$(port)
dotnet "src/Silo/bin/$bin/Actors.Silo.dll" --Cluster:Redis "127.0.0.1:$rp" --Cluster:SiloPort "$sp" --Cluster:GatewayPort "$sg" --urls "http://127.0.0.1:$sh" "${quiet[@]}" >"$work/silo.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$sh/healthz"
c1p=$(port); c1a=$(port); c2p=$(port); c2a=$(port)
start_api cluster1 "$c1p" "$c1a" --Cluster:Redis "127.0.0.1:$rp"
start_api cluster2 "$c2p" "$c2a" --Cluster:Redis "127.0.0.1:$rp"
apply "$c1a" "$work/one.yaml"; sleep 1
run "actors, cluster mode (1 silo, 1 API node)" "http://127.0.0.1:$c1p/r0"
cluster_peak=$(peak_kb cluster1)
# both nodes warmed up together before the measured run (the second node has not served anything yet)
ROUTES=0 wrk -t1 -c$((conns / 2)) -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$c1p/r0" >/dev/null 2>&1 & wa=$!
ROUTES=0 wrk -t1 -c$((conns / 2)) -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$c2p/r0" >/dev/null 2>&1 & wb=$!
wait "$wa" "$wb" || true
ROUTES=0 wrk -t1 -c$((conns / 2)) -d"${secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$c1p/r0" >"$work/two-a.txt" 2>&1 & wa=$!
ROUTES=0 wrk -t1 -c$((conns / 2)) -d"${secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$c2p/r0" >"$work/two-b.txt" 2>&1 & wb=$!
wait "$wa" "$wb"
two=$(awk '/Requests\/sec/ {s+=$2} END {printf "%.2f", s}' "$work/two-a.txt" "$work/two-b.txt")
printf '  %-42s %10s req/s\n' "actors, cluster mode, 2 API nodes (sum)" "$two"

# ---- one route grain: picks per second, callers in the silo's process and over TCP ----------------------------
echo "picks through one route grain ($secs s per run)…"
picks=$(dotnet "bench/Actors.Benchmarks/bin/$bin/Actors.Benchmarks.dll" grain-picks "$secs" 256 2>&1 | grep -E '^(\||one route)' || true)
echo "$picks" | sed 's/^/  /'

# ---- Portkey gateway (Node), loadbalance over the same two upstreams -------------------------------------------
portkey_line="not run"
if [ "${SKIP_PORTKEY:-0}" != 1 ]; then
  mkdir -p "$work/portkey"
  # the gateway's own copy of @hono/node-server must be 1.13.5 for its streaming to work: pin it with overrides
  cat >"$work/portkey/package.json" <<'JSON'
{ "name": "portkey-bench", "private": true, "type": "module",
  "dependencies": { "@portkey-ai/gateway": "1.15.2", "@hono/node-server": "1.13.5" },
  "overrides": { "@hono/node-server": "1.13.5" } }
JSON
  if (cd "$work/portkey" && npm install --no-audit --no-fund >"$work/npm.log" 2>&1); then
    pk=$(port)
    (cd "$work/portkey" && NODE_ENV=production node node_modules/@portkey-ai/gateway/build/start-server.js --port="$pk" --headless >"$work/portkey.log" 2>&1) & pids+=($!)
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$pk/" && break; sleep 0.2; done
    pcfg="{\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$u1/v1\",\"weight\":1},{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$u2/v1\",\"weight\":1}]}"
    cat >"$work/portkey.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-portkey-config"] = '$pcfg'
wrk.body = '{"model":"gpt-4.1","messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}]}'
LUA
    txt=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/portkey.lua" "http://127.0.0.1:$pk/v1/chat/completions" 2>&1 || true)
    echo "$txt" >"$work/wrk-portkey.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$txt"); p50=$(awk '$1=="50%" {print $2}' <<<"$txt"); p99=$(awk '$1=="99%" {print $2}' <<<"$txt")
    errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$txt")
    results+=("Portkey gateway 1.15.2 (loadbalance)|$rps|$p50|$p99|$errs")
    printf '  %-42s %10s req/s  p50 %-9s p99 %-9s errors %s\n' "Portkey gateway (loadbalance)" "$rps" "$p50" "$p99" "$errs"
    pcfg_stream="{\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$fake/v1\"}]}"
    stream_ttfb "Portkey gateway" "http://127.0.0.1:$pk/v1/chat/completions" -H "x-portkey-config: $pcfg_stream"
  else
    echo "  Portkey: npm install failed (see $work/npm.log)"
  fi
fi

# ---- report ----------------------------------------------------------------------------------------------------
nginx_rps=$(echo "${results[1]}" | cut -d'|' -f2)
{
  echo "# Benchmark"
  echo
  echo "\`bash bench/run.sh $secs\` on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d).  "
  echo "Load: wrk -t2 -c$conns, ${secs} s per run after a ${warmup} s warm-up, POST of a small chat request; upstream: nginx \`return 200\` with a canned 0.4 kB"
  echo "chat completion on two ports. Everything shares the same two cores (wrk included). Gateways log at Warning."
  echo
  echo "| path | requests/s | × nginx-rr | p50 | p99 | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for r in "${results[@]}"; do
    IFS='|' read -r label rps p50 p99 errs <<<"$r"
    ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    echo "| $label | $rps | $ratio | $p50 | $p99 | $errs |"
  done
  echo "| actors, cluster mode, 2 API nodes (sum of two wrk) | $two | $(awk -v a="$two" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }') | | | |"
  echo
  echo "Peak memory (VmHWM): embedded node $((embedded_peak / 1024)) MiB after its first run; cluster-mode API node $((cluster_peak / 1024)) MiB."
  echo
  echo "Memory over a ${memory_secs} s run (embedded, same load, $memory_rps req/s): resident set every 5 s: ${rss[*]} MiB."
  echo
  echo "Picks through one route grain (\`bench/Actors.Benchmarks grain-picks\`; each caller awaits a pick, then sends a one-way outcome report):"
  echo
  echo "$picks"
  echo
  echo "Streaming (fake upstream, 8 events 50 ms apart): time to first byte and total, median of five requests each."
  echo
  echo "| path | first byte | total |"
  echo "|---|---:|---:|"
  for t in "${ttfb[@]}"; do IFS='|' read -r label first total <<<"$t"; echo "| $label | $first | $total |"; done
} >"$out"
echo
cat "$out"
