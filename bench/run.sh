#!/usr/bin/env bash
# One-command benchmark: bash bench/run.sh [seconds per run, default 10] [--only part,part...]
# Parts (all by default, in this order):
#   peers     the upstream directly, HAProxy and YARP round-robin (nginx round-robin always runs: every ratio is to it)
#   embedded  our gateway as users run it (Dockerfile's publish, defaults: one request log line), and logging at Warning
#   memory    resident set every 5 s over a long run (MEMORY_SECS, default 60)
#   ttfb      time to first byte of one stream through each path
#   scale     1/10/100/1000 routes
#   profile   perf record of our gateway (defaults) and of YARP under the same load: CPU per request by component
#   cold      req/s and CPU per request in 1 s buckets after /healthz answers (COLD_VARIANTS: several starts, e.g. with/without warm-up)
#   cluster   Redis + one silo + one API node, then two API nodes
#   grain     picks/s through one route grain
#   portkey   the Portkey gateway (npm), loadbalance over the same upstreams
#   streams   STREAMS (2,000) concurrent slow streams: completion, time to first byte, memory per open stream
#   overload  open-loop load at OVERLOAD_FACTOR (3) × the gateway's sustainable rate: statuses and latency
# A full run writes bench/results/latest.md; a run with --only writes bench/.work/report.md (or $OUT).
# Needs: nginx, haproxy, wrk, redis-server, node/npm (apt-get install -y nginx-light haproxy wrk redis-server nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=10; only=""
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    *) secs=$1; shift ;;
  esac
done
all_parts="peers embedded memory ttfb scale profile cold cluster grain portkey streams overload"
parts=${only:-$all_parts}; parts=" ${parts//,/ } "
for p in $parts; do [[ " $all_parts " == *" $p "* ]] || { echo "unknown part '$p' (parts: $all_parts)"; exit 2; }; done
want() { [[ "$parts" == *" $1 "* ]]; }
# The load issue 15 set its goals with (wrk -t1 -c32): one wrk thread is then the ceiling for nginx. THREADS=2
# CONNECTIONS=64 drives nginx about three times harder and leaves our gateway less of the two cores.
threads=${THREADS:-1}
conns=${CONNECTIONS:-32}
# .NET tiers its code up (with profile-guided optimisation) over the first ~30 s under load; warm rows measure after that.
warmup=${WARMUP:-30}
memory_secs=${MEMORY_SECS:-60}
cold_secs=${COLD_SECS:-10}
stream_count=${STREAMS:-2000}
overload_factor=${OVERLOAD_FACTOR:-3}
overload_cap=${OVERLOAD_CAP:-128}
overload_connections=${OVERLOAD_CONNECTIONS:-512}
work="$root/bench/.work"
# ReadyToRun (precompiled code, so the first requests do not wait for the JIT) as the Dockerfile builds; READY_TO_RUN=false to compare.
# READY_TO_RUN=composite (the Dockerfile's: one composite image of the app and the runtime, self-contained), true (the
# app's assemblies precompiled on their own, on the shared runtime) or false (JIT only), to compare.
ready_to_run=${READY_TO_RUN:-composite}
case $ready_to_run in
  composite) native=(--self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true) ;;
  true|false) native=(--self-contained false -p:PublishReadyToRun="$ready_to_run") ;;
  *) echo "READY_TO_RUN: composite, true or false"; exit 2 ;;
esac
publish="$work/publish-r2r-$ready_to_run"   # kept between runs so that an unchanged build publishes quickly
mkdir -p "$work"; find "$work" -mindepth 1 -maxdepth 1 ! -name 'publish*' -exec rm -rf {} +
if [ -n "$only" ]; then out=${OUT:-$work/report.md}; else out=${OUT:-$root/bench/results/latest.md}; fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 2,000 streams hold 4,000 sockets in the gateway

need() { command -v "$1" >/dev/null || { echo "missing $1 (apt-get install -y $2)"; exit 1; }; }
need nginx nginx-light; need haproxy haproxy; need python3 python3; need wrk wrk; need redis-server redis-server; need npm nodejs
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }   # any answer
wait_http() { for _ in $(seq 1 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }
now() { date +%s.%N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
load_at_start=$(load_avg)

# ---- build: the gateway the way the Dockerfile builds it; the peers and tools as Release builds ---------------
rid=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
echo "building (dotnet publish -c Release -r $rid ${native[*]}; composite is what the Dockerfile does)…"
# each kind of build keeps its own intermediate files: a framework-dependent publish would otherwise pick up the
# composite build's precompiled assemblies, which need the composite image beside them, and fail to start
separate=(-p:IntermediateOutputPath="obj/bench-$ready_to_run/")
dotnet publish src/Api/Api.csproj -c Release -r "$rid" "${native[@]}" "${separate[@]}" -nologo -v quiet -o "$publish/api" >/dev/null
dotnet publish src/Silo/Silo.csproj -c Release -r "$rid" "${native[@]}" "${separate[@]}" -nologo -v quiet -o "$publish/silo" >/dev/null
# the self-contained build runs its own runtime through its apphost; the others run on the shared one
if [ "$ready_to_run" = composite ]; then api_bin=("$publish/api/Actors.Api"); silo_bin=("$publish/silo/Actors.Silo")
else api_bin=(dotnet "$publish/api/Actors.Api.dll"); silo_bin=(dotnet "$publish/silo/Actors.Silo.dll"); fi
dotnet publish bench/YarpPeer/YarpPeer.csproj -c Release -nologo -v quiet -o "$publish/yarp" >/dev/null
dotnet build tools/FakeOpenAI/FakeOpenAI.csproj -c Release -nologo -v quiet >/dev/null
dotnet build bench/Actors.Benchmarks/Actors.Benchmarks.csproj -c Release -nologo -v quiet >/dev/null
bin=Release/net10.0
benchmarks=(dotnet "bench/Actors.Benchmarks/bin/$bin/Actors.Benchmarks.dll")

# ---- upstreams: nginx answering a canned 0.4 kB chat completion on two ports -----------------------------------
canned='{"id":"chatcmpl-bench","object":"chat.completion","created":1758745420,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":{"role":"assistant","content":"Adam Mickiewicz is most often considered the greatest Polish writer.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":15,"completion_tokens":12,"total_tokens":27},"service_tier":"default","system_fingerprint":"fp_bench"}'
u1=$(port); u2=$(port); proxy=$(port); fake=$(port); proxy_stream=$(port)
temps="client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3; uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;"
cat >"$work/upstream.conf" <<CONF
worker_processes 1; pid $work/upstream.pid; error_log $work/upstream-error.log; events { worker_connections 16384; }
http { access_log off; $temps
  server { listen 127.0.0.1:$u1 backlog=4096; location / { default_type application/json; return 200 '$canned'; } }
  server { listen 127.0.0.1:$u2 backlog=4096; location / { default_type application/json; return 200 '$canned'; } } }
CONF
cat >"$work/proxy.conf" <<CONF
worker_processes auto; pid $work/proxy.pid; error_log $work/proxy-error.log; events { worker_connections 16384; }
http { access_log off; $temps
  upstream llm { server 127.0.0.1:$u1; server 127.0.0.1:$u2; keepalive 128; }
  server { listen 127.0.0.1:$proxy backlog=4096; location / { proxy_pass http://llm; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$proxy_stream; location / { proxy_pass http://127.0.0.1:$fake; proxy_http_version 1.1; proxy_buffering off; } } }
CONF
nginx -p "$work" -c "$work/upstream.conf" -g 'daemon off;' & pids+=($!)
nginx -p "$work" -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!)
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
export DECK_OPENAI_API_KEY=sk-bench
# The gateway runs with its own defaults (appsettings.json: one Information line per proxied request) unless a row
# says otherwise; its console goes to a file, as a container's log driver would take it.
warning=(--Logging:LogLevel:Default Warning)

start_api() { # name proxy-port admin-port extra-args...
  local name=$1 p=$2 a=$3; shift 3
  "${api_bin[@]}" --urls "http://127.0.0.1:$p" --Admin:Urls "http://127.0.0.1:$a" "$@" >>"$work/$name.log" 2>&1 &
  pids+=($!); echo $! >"$work/$name.pid"
  wait_http "http://127.0.0.1:$a/healthz"
}
start_embedded() { # name proxy-port admin-port extra-args...
  local name=$1 p=$2 a=$3; shift 3
  start_api "$name" "$p" "$a" --Cluster:SiloPort "$(port)" --Cluster:GatewayPort "$(port)" "$@"
}
stop() { local pid; pid=$(cat "$work/$1.pid"); kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
apply() { curl -fs -X POST "http://127.0.0.1:$1/config" --data-binary @"$2" >/dev/null; }
# A defaults run writes a line per request; keep the first lines (start-up) and drop the rest between runs.
trim_logs() {
  local f; for f in "$work"/{embedded,warning,cold,cluster1,cluster2,silo,streams,overload,overload-cap}.log; do
    [ -f "$f" ] || continue; head -c 65536 "$f" >"$f.head"; cat "$f.head" >"$f"; rm -f "$f.head"
  done
}

# ---- wrk runs -------------------------------------------------------------------------------------------------
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
results=()
row() { # label txt -> appends label|rps|p50|p99|errors
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1=="50%" {print $2}' <<<"$2"); p99=$(awk '$1=="99%" {print $2}' <<<"$2")
  errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$2")
  results+=("$1|$rps|$p50|$p99|$errs")
  printf '  %-52s %10s req/s  p50 %-9s p99 %-9s errors %s\n' "$1" "$rps" "$p50" "$p99" "$errs"
}
run() { # label url [routes] [warm-up seconds]
  local label=$1 url=$2 routes=${3:-0} warm=${4:-$warmup}
  ROUTES=$routes wrk -t"$threads" -c"$conns" -d"${warm}s" -s bench/wrk-post.lua "$url" >/dev/null 2>&1 || true   # warm-up: let the JIT tier up
  local txt; txt=$(ROUTES=$routes wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s bench/wrk-post.lua "$url" 2>&1)
  echo "$txt" >"$work/wrk-$(echo "$label" | tr ' /(),' '_____').txt"
  row "$label" "$txt"
  trim_logs
}
rps_of() { for r in "${results[@]}"; do [ "${r%%|*}" = "$1" ] && { echo "$r" | cut -d'|' -f2; return; }; done; echo 0; }

echo "load: wrk -t$threads -c$conns -d${secs}s, POST of a small chat request, canned 0.4 kB answer"
if want peers; then run "upstream directly (nginx return 200)" "http://127.0.0.1:$u1/v1/chat/completions" 0 2; fi
run "nginx round-robin proxy" "http://127.0.0.1:$proxy/v1/chat/completions" 0 2
nginx_label="nginx round-robin proxy"

# ---- peers a .NET team would pick instead: HAProxy and YARP, round-robin over the same two upstreams ----------
haproxy_version=$(haproxy -v 2>&1 | awk 'NR==1 {print $3}')
yarp_version=$(sed -n 's/.*Include="Yarp.ReverseProxy" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
yarp_label="YARP $yarp_version round-robin (logging at Warning)"
if want peers; then
  hp=$(port)
  cat >"$work/haproxy.cfg" <<CONF
global
  maxconn 8000
  pidfile $work/haproxy.pid
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend bench
  bind 127.0.0.1:$hp
  default_backend llm
backend llm
  balance roundrobin
  server u1 127.0.0.1:$u1
  server u2 127.0.0.1:$u2
CONF
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 & pids+=($!); hpid=$!
  wait_http "http://127.0.0.1:$hp/"
  run "HAProxy $haproxy_version round-robin" "http://127.0.0.1:$hp/v1/chat/completions" 0 2
  kill "$hpid"
  yp=$(port)
  dotnet "$publish/yarp/Actors.YarpPeer.dll" --urls "http://127.0.0.1:$yp" --Upstreams "http://127.0.0.1:$u1,http://127.0.0.1:$u2" >"$work/yarp.log" 2>&1 & pids+=($!); ypid=$!
  wait_http "http://127.0.0.1:$yp/"
  run "$yarp_label" "http://127.0.0.1:$yp/v1/chat/completions"
  kill "$ypid"
fi

# ---- our gateway, embedded mode, as users run it ----------------------------------------------------------------
defaults_label="actors embedded, defaults (request log line)"
memory_line=""; ttfb=(); scale=()
stream_ttfb() { # label url [curl args]
  local body='{"messages":[{"role":"user","content":"hi"}],"stream":true}'
  local t; t=$(for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' -X POST -H 'Content-Type: application/json' "${@:3}" -d "$body" "$2"
  done | sort -n | sed -n 3p)   # the median of five, by first byte
  ttfb+=("$1|$(awk '{printf "%.1f ms|%.1f ms", $1*1000, $2*1000}' <<<"$t")")
}
if want embedded || want memory || want ttfb || want scale; then
  gp=$(port); ga=$(port)
  start_embedded embedded "$gp" "$ga"
  apply "$ga" "$work/one.yaml"
  if want embedded; then run "$defaults_label" "http://127.0.0.1:$gp/r0"; fi
  embedded_peak=$(awk '/VmHWM/ {print $2}' "/proc/$(cat "$work/embedded.pid")/status")
  if want memory; then
    # resident set size every 5 s while wrk keeps the gateway busy
    wrk -t"$threads" -c"$conns" -d"${memory_secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$gp/r0" >"$work/wrk-memory.txt" 2>&1 & wm=$!
    rss=()
    for _ in $(seq 1 $((memory_secs / 5))); do sleep 5; rss+=("$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$(cat "$work/embedded.pid")/status")"); done
    wait "$wm" || true; trim_logs
    memory_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-memory.txt")
    memory_line="Memory over a ${memory_secs} s run (embedded, defaults, $memory_rps req/s): resident set every 5 s: ${rss[*]} MiB; peak (VmHWM) after the first run $((embedded_peak / 1024)) MiB."
    echo "  $memory_line"
  fi
  if want ttfb; then
    dotnet "tools/FakeOpenAI/bin/$bin/Actors.FakeOpenAI.dll" --urls "http://127.0.0.1:$fake" --Fake:StreamChunkDelayMs 50 >"$work/fake.log" 2>&1 & pids+=($!); fpid=$!
    wait_up "http://127.0.0.1:$fake/"
    deck 1 "http://127.0.0.1:$fake/v1/chat/completions" "http://127.0.0.1:$fake/v1/chat/completions" >"$work/stream.yaml"
    apply "$ga" "$work/stream.yaml"
    stream_ttfb "fake upstream directly" "http://127.0.0.1:$fake/v1/chat/completions"
    stream_ttfb "nginx proxy (proxy_buffering off)" "http://127.0.0.1:$proxy_stream/v1/chat/completions"
    stream_ttfb "actors embedded, defaults" "http://127.0.0.1:$gp/r0"
    apply "$ga" "$work/one.yaml"
  fi
  if want scale; then
    for n in 1 10 100 1000; do
      deck "$n" "http://127.0.0.1:$u1/v1/chat/completions" "http://127.0.0.1:$u2/v1/chat/completions" >"$work/scale.yaml"
      apply "$ga" "$work/scale.yaml"; sleep 1
      run "actors embedded, defaults, $n routes" "http://127.0.0.1:$gp" "$n"
      scale+=("${results[-1]}")
    done
  fi
  stop embedded
fi
if want embedded; then
  gp=$(port); ga=$(port)
  start_embedded warning "$gp" "$ga" "${warning[@]}"
  apply "$ga" "$work/one.yaml"
  run "actors embedded, logging at Warning" "http://127.0.0.1:$gp/r0"
  stop warning
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in clock ticks
ticks_per_s=$(getconf CLK_TCK)
# ---- profile: where the CPU goes, in our gateway and in YARP, under the same load -----------------------------
profile_table=""
if want profile; then
  need perf linux-perf
  # perf resolves .NET frames through the runtime's perf map; W^X double-mapping would hide the JIT'd code from it
  profiled_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
  profile_one() { # label pid url: warm up, then perf record during one measured wrk run; echoes label=script=µs-per-request
    local label=$1 pid=$2 url=$3 t0 t1 txt n
    ROUTES=0 wrk -t"$threads" -c"$conns" -d"${warmup}s" -s bench/wrk-post.lua "$url" >/dev/null 2>&1 || true
    perf record -F 499 -e cpu-clock -g -p "$pid" -o "$work/profile-$label.perf.data" -- sleep "$secs" >/dev/null 2>&1 & local pp=$!
    t0=$(cpu_ticks "$pid")
    txt=$(ROUTES=0 wrk -t"$threads" -c"$conns" -d"${secs}s" -s bench/wrk-post.lua "$url" 2>&1)
    t1=$(cpu_ticks "$pid"); wait "$pp" || true
    n=$(awk '/requests in/ {print $1}' <<<"$txt")
    perf script -i "$work/profile-$label.perf.data" >"$work/profile-$label.txt" 2>/dev/null
    echo "$label=$work/profile-$label.txt=$(awk -v t="$((t1 - t0))" -v n="$n" -v hz="$ticks_per_s" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  }
  gp=$(port); ga=$(port)
  env "${profiled_env[@]}" "${api_bin[@]}" --urls "http://127.0.0.1:$gp" --Admin:Urls "http://127.0.0.1:$ga" \
    --Cluster:SiloPort "$(port)" --Cluster:GatewayPort "$(port)" >>"$work/profiled.log" 2>&1 & pids+=($!); echo $! >"$work/profiled.pid"
  wait_http "http://127.0.0.1:$ga/healthz"; apply "$ga" "$work/one.yaml"
  ours=$(profile_one actors "$(cat "$work/profiled.pid")" "http://127.0.0.1:$gp/r0")
  stop profiled; trim_logs
  yp=$(port)
  env "${profiled_env[@]}" dotnet "$publish/yarp/Actors.YarpPeer.dll" --urls "http://127.0.0.1:$yp" --Upstreams "http://127.0.0.1:$u1,http://127.0.0.1:$u2" >"$work/yarp-profiled.log" 2>&1 & pids+=($!); ypid=$!
  wait_http "http://127.0.0.1:$yp/"
  theirs=$(profile_one YARP "$ypid" "http://127.0.0.1:$yp/v1/chat/completions")
  kill "$ypid"
  profile_table=$(python3 bench/perf-breakdown.py "$ours" "$theirs")
  echo "$profile_table" | sed 's/^/  /'
fi

# ---- cold start: req/s in 1 s buckets from the start of the process ---------------------------------------------
cold_lines=()
bucket() { # url -> "2xx-req/s p99"
  local txt; txt=$(wrk -t"$threads" -c"$conns" -d1s --latency -s bench/wrk-post.lua "$1" 2>&1 || true)
  awk '/Requests\/sec/ {r=$2} /Non-2xx/ {n=$NF} /requests in/ {t=$1; d=$4} $1=="99%" {p=$2} END {
    gsub(/[s,]/,"",d); d=d+0; if (d <= 0) d=1; printf "%.0f %s %d", (t-n)/d, p, t }' <<<"$txt"
}
cold_run() { # label gateway-args env-assignments: one start of the gateway, then cold_secs 1 s buckets
  local label=$1 args=$2 vars=$3 gp ga t0 t_health pid before after at r p n
  gp=$(port); ga=$(port)
  t0=$(now)
  # shellcheck disable=SC2086
  env $vars "${api_bin[@]}" --urls "http://127.0.0.1:$gp" --Admin:Urls "http://127.0.0.1:$ga" \
    --Cluster:SiloPort "$(port)" --Cluster:GatewayPort "$(port)" --Gateway:Config "$work/one.yaml" $args >>"$work/cold.log" 2>&1 &
  pids+=($!); echo $! >"$work/cold.pid"; pid=$!
  for _ in $(seq 1 3000); do curl -fs -o /dev/null "http://127.0.0.1:$ga/healthz" && break; sleep 0.02; done
  t_health=$(now); before=$(cpu_ticks "$pid")
  healthz_after=$(awk -v a="$t0" -v b="$t_health" 'BEGIN { printf "%.2f", b - a }')
  healthz_cpu=$(awk -v t="$before" -v hz="$ticks_per_s" 'BEGIN { printf "%.2f", t / hz }')
  secs_row="| 1 s bucket starting at (s after /healthz) |"; rps_row="| 2xx req/s |"; ratio_row="| × nginx-rr |"; p99_row="| p99 |"
  cpu_row="| gateway CPU µs per request |"; sep="|---|"
  first5=0
  for i in $(seq 1 "$cold_secs"); do
    at=$(awk -v a="$t_health" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    read -r r p n <<<"$(bucket "http://127.0.0.1:$gp/r0")"
    after=$(cpu_ticks "$pid")
    [ "$i" -le 5 ] && first5=$((first5 + r))
    secs_row+=" $at |"; rps_row+=" $r |"; p99_row+=" $p |"; sep+="---:|"
    ratio_row+=" $(awk -v a="$r" -v b="$nginx_bucket" 'BEGIN { printf "%.2f", a / b }') |"
    cpu_row+=" $(awk -v t="$((after - before))" -v n="$n" -v hz="$ticks_per_s" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-" }') |"
    before=$after
  done
  stop cold; trim_logs
  first5_ratio=$(awk -v a="$first5" -v b="$nginx_bucket" 'BEGIN { printf "%.2f", a / 5 / b }')
  cold_lines+=("**$label**${args:+ (\`$args\`)}${vars:+ (\`$vars\`)}: process start to \`/healthz\` answering: ${healthz_after} s, ${healthz_cpu} s of CPU. **First 5 s after /healthz: $((first5 / 5)) req/s, ${first5_ratio}× nginx-rr.**"
    "" "$secs_row" "$sep" "$rps_row" "$ratio_row" "$p99_row" "$cpu_row" "")
  printf '  %s\n' "cold, $label: /healthz after ${healthz_after} s (${healthz_cpu} s CPU); first 5 s: $((first5 / 5)) req/s = ${first5_ratio}× nginx-rr ($nginx_bucket)" "$rps_row" "$cpu_row"
}
if want cold; then
  nb=(); for _ in 1 2 3 4 5; do nb+=("$(bucket "http://127.0.0.1:$proxy/v1/chat/completions" | cut -d' ' -f1)"); done
  nginx_bucket=$(printf '%s\n' "${nb[@]}" | sort -n | sed -n 3p)   # nginx-rr measured the same way, median of five 1 s runs
  cold_lines=("ReadyToRun: $ready_to_run. ${cold_secs} runs of \`wrk -d1s\` back to back from the moment \`/healthz\` answers; nginx-rr measured the same way"
    "(median of five 1 s runs): $nginx_bucket req/s; config from \`--Gateway:Config\`. CPU per request (user + system, from \`/proc\`) moves far less with the neighbours than req/s does." "")
  # COLD_VARIANTS: "label|gateway arguments|environment;..." (e.g. "no warm-up|--Gateway:WarmUpRequests 0|;no PGO||DOTNET_TieredPGO=0")
  IFS=';' read -r -a variants <<<"${COLD_VARIANTS:-defaults||}"
  for v in "${variants[@]}"; do IFS='|' read -r l a e <<<"$v"; cold_run "$l" "$a" "$e"; done
fi

# ---- cluster mode: Redis, one silo, then one and two API nodes ------------------------------------------------
if want cluster; then
  rp=$(port)
  redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 & pids+=($!)
  sp=$(port); sg=$(port); sh=$(port)
  "${silo_bin[@]}" --Cluster:Redis "127.0.0.1:$rp" --Cluster:SiloPort "$sp" --Cluster:GatewayPort "$sg" --urls "http://127.0.0.1:$sh" >>"$work/silo.log" 2>&1 & pids+=($!)
  wait_http "http://127.0.0.1:$sh/healthz"
  c1p=$(port); c1a=$(port); c2p=$(port); c2a=$(port)
  start_api cluster1 "$c1p" "$c1a" --Cluster:Redis "127.0.0.1:$rp"
  start_api cluster2 "$c2p" "$c2a" --Cluster:Redis "127.0.0.1:$rp"
  apply "$c1a" "$work/one.yaml"; sleep 1
  run "actors cluster mode (1 silo, 1 API node), defaults" "http://127.0.0.1:$c1p/r0"
  # both nodes warmed up together before the measured run (the second node has not served anything yet)
  half=$((conns / 2)); ht=$(( threads > 1 ? threads / 2 : 1 ))
  ROUTES=0 wrk -t$ht -c$half -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$c1p/r0" >/dev/null 2>&1 & wa=$!
  ROUTES=0 wrk -t$ht -c$half -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$c2p/r0" >/dev/null 2>&1 & wb=$!
  wait "$wa" "$wb" || true
  ROUTES=0 wrk -t$ht -c$half -d"${secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$c1p/r0" >"$work/two-a.txt" 2>&1 & wa=$!
  ROUTES=0 wrk -t$ht -c$half -d"${secs}s" -s bench/wrk-post.lua "http://127.0.0.1:$c2p/r0" >"$work/two-b.txt" 2>&1 & wb=$!
  wait "$wa" "$wb"
  two=$(awk '/Requests\/sec/ {s+=$2} END {printf "%.2f", s}' "$work/two-a.txt" "$work/two-b.txt")
  results+=("actors cluster mode, 2 API nodes (sum of two wrk)|$two|||")
  printf '  %-52s %10s req/s\n' "actors cluster mode, 2 API nodes (sum)" "$two"
  stop cluster1; stop cluster2; trim_logs
fi

# ---- one route grain: picks per second, callers in the silo's process and over TCP ----------------------------
picks=""
if want grain; then
  echo "picks through one route grain ($secs s per run)…"
  picks=$("${benchmarks[@]}" grain-picks "$secs" 256 2>&1 | grep -E '^(\||one route)' || true)
  echo "$picks" | sed 's/^/  /'
fi

# ---- Portkey gateway (Node), loadbalance over the same two upstreams -------------------------------------------
if want portkey && [ "${SKIP_PORTKEY:-0}" != 1 ]; then
  mkdir -p "$work/portkey"
  # the gateway's own copy of @hono/node-server must be 1.13.5 for its streaming to work: pin it with overrides
  cat >"$work/portkey/package.json" <<'JSON'
{ "name": "portkey-bench", "private": true, "type": "module",
  "dependencies": { "@portkey-ai/gateway": "1.15.2", "@hono/node-server": "1.13.5" },
  "overrides": { "@hono/node-server": "1.13.5" } }
JSON
  if (cd "$work/portkey" && npm install --no-audit --no-fund >"$work/npm.log" 2>&1); then
    pk=$(port)
    (cd "$work/portkey" && NODE_ENV=production exec node node_modules/@portkey-ai/gateway/build/start-server.js --port="$pk" --headless >"$work/portkey.log" 2>&1) & pids+=($!)
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$pk/" && break; sleep 0.2; done
    pcfg="{\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$u1/v1\",\"weight\":1},{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$u2/v1\",\"weight\":1}]}"
    cat >"$work/portkey.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-portkey-config"] = '$pcfg'
wrk.body = '{"model":"gpt-4.1","messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}]}'
LUA
    txt=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$work/portkey.lua" "http://127.0.0.1:$pk/v1/chat/completions" 2>&1 || true)
    echo "$txt" >"$work/wrk-portkey.txt"
    row "Portkey gateway 1.15.2 (loadbalance)" "$txt"
    if want ttfb; then
      pcfg_stream="{\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$fake/v1\"}]}"
      stream_ttfb "Portkey gateway" "http://127.0.0.1:$pk/v1/chat/completions" -H "x-portkey-config: $pcfg_stream"
    fi
  else
    echo "  Portkey: npm install failed (see $work/npm.log)"
  fi
fi

# ---- many streams: 2,000 concurrent slow streams through the gateway vs straight to the upstream ---------------
streams_out=""; streams_warm=""
if want streams; then
  su=$(port)
  "${benchmarks[@]}" stream-upstream --port "$su" --events 20 --interval-ms 100 >"$work/stream-upstream.log" 2>&1 & pids+=($!); supid=$!
  wait_up "http://127.0.0.1:$su/"
  deck 1 "http://127.0.0.1:$su/v1/chat/completions" "http://127.0.0.1:$su/v1/chat/completions" >"$work/slow.yaml"
  gp=$(port); ga=$(port)
  start_embedded streams "$gp" "$ga"
  apply "$ga" "$work/slow.yaml"
  echo "$stream_count concurrent streams (20 events 100 ms apart), twice: just after the start, then warm…"
  streams_round() {
    "${benchmarks[@]}" streams --gateway "http://127.0.0.1:$gp/r0" --direct "http://127.0.0.1:$su/v1/chat/completions" \
      --count "$stream_count" --events 20 --pid "$(cat "$work/streams.pid")" 2>&1 || true
  }
  # the first round meets a process that has just started (its memory figure counts every buffer it needs first);
  # the second, the same process warm, as every other warm row is measured
  streams_out=$(streams_round); streams_warm=$(streams_round)
  echo "$streams_out" | sed 's/^/  first: /'; echo "$streams_warm" | grep -E '^\|' | sed 's/^/  warm: /'
  stop streams; kill "$supid"; trim_logs
fi

# ---- overload: open-loop load at 3× the gateway's sustainable rate ----------------------------------------------
overload_rows=(); overload_notes=()
overload_run() { # label url rate
  local txt; txt=$("${benchmarks[@]}" overload --url "$2" --rate "$3" --seconds "$secs" --connections "$overload_connections" --label "$1" 2>&1 || true)
  echo "$txt" | sed 's/^/  /'
  overload_rows+=("$(grep '^|' <<<"$txt")"); overload_notes+=("$1: $(grep 'other statuses' <<<"$txt" | sed 's/^ *//')")
}
if want overload; then
  sustainable=$(rps_of "$defaults_label")
  gp=$(port); ga=$(port)
  start_embedded overload "$gp" "$ga"
  apply "$ga" "$work/one.yaml"
  if [ "${sustainable%.*}" -le 0 ]; then   # not measured in this run: measure it here, warm
    run "$defaults_label" "http://127.0.0.1:$gp/r0"; sustainable=$(rps_of "$defaults_label")
  else
    ROUTES=0 wrk -t"$threads" -c"$conns" -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$gp/r0" >/dev/null 2>&1 || true
  fi
  rate=$(awk -v s="$sustainable" -v f="$overload_factor" 'BEGIN { printf "%.0f", s * f }')
  echo "overload: open loop at $rate req/s (${overload_factor}× the sustainable $sustainable req/s) for $secs s"
  overload_run "nginx round-robin proxy" "http://127.0.0.1:$proxy/v1/chat/completions" "$rate"
  overload_run "actors embedded, defaults" "http://127.0.0.1:$gp/r0" "$rate"
  stop overload; trim_logs
  gp=$(port); ga=$(port)
  start_embedded overload-cap "$gp" "$ga" --Gateway:MaxConcurrentRequests "$overload_cap"
  apply "$ga" "$work/one.yaml"
  ROUTES=0 wrk -t"$threads" -c"$conns" -d"${warmup}s" -s bench/wrk-post.lua "http://127.0.0.1:$gp/r0" >/dev/null 2>&1 || true
  overload_run "actors embedded, MaxConcurrentRequests $overload_cap" "http://127.0.0.1:$gp/r0" "$rate"
  stop overload-cap; trim_logs
fi

# ---- report ----------------------------------------------------------------------------------------------------
nginx_rps=$(rps_of "$nginx_label"); nginx_p99=""
for r in "${results[@]}"; do [ "${r%%|*}" = "$nginx_label" ] && nginx_p99=$(echo "$r" | cut -d'|' -f4); done
yarp_rps=$(rps_of "$yarp_label")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else print "-" }'; }
dotnet_runtime=$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print v}')
{
  echo "# Benchmark"
  echo
  echo "\`bash bench/run.sh $secs${only:+ --only $only}\`, $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with local changes)')."
  echo
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r); load average at start $load_at_start, at end $(load_avg)."
  echo "Versions: .NET SDK $(dotnet --version), ASP.NET Core runtime $dotnet_runtime, Orleans $(sed -n 's/.*<OrleansVersion>\(.*\)<.*/\1/p' Directory.Packages.props), $(nginx -v 2>&1 | sed 's/nginx version: //'), HAProxy $haproxy_version, YARP $yarp_version, $(wrk -v 2>&1 | awk 'NR==1 {print "wrk " $2}'), Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), Node $(node -v), Portkey gateway 1.15.2."
  echo
  echo "Load: \`wrk -t$threads -c$conns\`, ${secs} s per run after a ${warmup} s warm-up (2 s for nginx and HAProxy, which have no JIT), POST of a small chat request;"
  echo "upstream: nginx \`return 200\` with a canned 0.4 kB chat completion on two ports. Everything shares the same cores (wrk included)."
  echo "Our gateway is built as the Dockerfile builds it (\`dotnet publish -c Release -r $rid ${native[*]}\`) and runs with its defaults: one Information log line per"
  echo "proxied request, console to a file. Ratios are to the nginx round-robin row of the same run; \"× YARP\" and \"p99 − nginx\" are for our rows."
  echo
  echo "| path | requests/s | × nginx-rr | × YARP | p50 | p99 | p99 − nginx-rr p99 | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for r in "${results[@]}"; do
    IFS='|' read -r label rps p50 p99 errs <<<"$r"
    yr="" ; dp=""
    if [[ $label == actors* ]]; then
      yr=$(ratio "$rps" "$yarp_rps")
      [ -n "$nginx_p99" ] && [ -n "$p99" ] && dp="$(awk -v a="$(to_ms "$p99")" -v b="$(to_ms "$nginx_p99")" 'BEGIN { printf "%+.2f ms", a - b }')"
    fi
    echo "| $label | $rps | $(ratio "$rps" "$nginx_rps") | $yr | $p50 | $p99 | $dp | $errs |"
  done
  if [ ${#cold_lines[@]} -gt 0 ]; then
    echo; echo "Cold start (embedded, defaults): requests answered 2xx per second, from the moment \`/healthz\` answered."; echo
    printf '%s\n' "${cold_lines[@]}"
  fi
  if [ -n "$profile_table" ]; then
    echo; echo "Where the CPU goes (\`perf record -F 499 -g\` of each process during one ${secs} s run after the warm-up; .NET frames named through"
    echo "\`DOTNET_PerfMapEnabled=1\`; CPU per request from \`/proc\`; a sample is charged to the innermost frame naming a component, \`bench/perf-breakdown.py\`):"
    echo; echo "$profile_table"
  fi
  if [ -n "$memory_line" ]; then echo; echo "$memory_line"; fi
  if [ -n "$picks" ]; then
    echo; echo "Picks through one route grain (\`bench/Actors.Benchmarks grain-picks\`):"; echo; echo "$picks"
  fi
  if [ ${#ttfb[@]} -gt 0 ]; then
    echo; echo "One stream at a time (FakeOpenAI, events 50 ms apart): time to first byte and total, median of five requests each."; echo
    echo "| path | first byte | total |"; echo "|---|---:|---:|"
    for t in "${ttfb[@]}"; do IFS='|' read -r label first total <<<"$t"; echo "| $label | $first | $total |"; done
  fi
  if [ -n "$streams_out" ]; then
    echo; echo "Many streams (\`bench/Actors.Benchmarks streams\`; slow upstream \`stream-upstream\`: 20 events 100 ms apart; embedded gateway, defaults):"
    echo "$stream_count streaming requests started evenly over 1 s, all open at once for the second after; first byte = first body byte."
    echo; echo "First round, just after the start (the gateway served nothing before):"; echo
    echo "$streams_out" | grep -E '^\|'; echo; echo "$streams_out" | grep -E '^memory per open stream' || true
    echo; echo "Second round, the same process warm:"; echo; echo "$streams_warm" | grep -E '^\|'; echo
  fi
  if [ ${#overload_rows[@]} -gt 0 ]; then
    echo; echo "Overload (\`bench/Actors.Benchmarks overload\`): open-loop load at $rate req/s = ${overload_factor}× the gateway's sustainable $sustainable req/s, for $secs s;"
    echo "over $overload_connections keep-alive connections (a request due while all are busy waits in the client, as with wrk2); latency counted from"
    echo "each request's scheduled time (wrk2's correction for coordinated omission); \"no answer\": connection error or no response within 30 s."
    echo "The upstream always answers 200, so every 5xx comes from the proxy itself. nginx-rr is driven at the same rate as a check of the load program."
    echo; echo "| path | offered/s | answered/s | 2xx | 429 | 503 | other 5xx | no answer | p50 | p99 | max |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${overload_rows[@]}"; echo; printf -- '- %s\n' "${overload_notes[@]}"
  fi
} >"$out"
echo
cat "$out"
echo "(written to $out)"
