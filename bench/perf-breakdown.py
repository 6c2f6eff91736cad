#!/usr/bin/env python3
"""Where a proxy's CPU goes: reads `perf script` output (perf record -g of one process, .NET perf map enabled) and
prints the share of samples per component. A sample is charged to the innermost frame that names a component, so a
socket system call and the kernel's TCP work under it form one component (libc is built without frame pointers, so
perf cannot tell which caller made the call).
Usage: python3 bench/perf-breakdown.py label=perf-script-output=cpu-us-per-request ... (one column pair each)."""
import re
import sys
from collections import Counter

# (component, pattern) in the order they are tried on each frame, innermost frame first.
COMPONENTS = [
    ("socket system calls (send, recv, epoll; kernel TCP)", r"__send|__libc_recv|epoll_wait|__libc_sendmsg|__libc_recvmsg|\b__write\b|\b__read\b"),
    ("metrics (OpenTelemetry, our instruments)", r"OpenTelemetry|Actors\.Api\.Telemetry|System\.Diagnostics\.Metrics"),
    ("request log line", r"Actors\.Api\.Logging|Actors\.Api\.Proxy\.RequestLog|Microsoft\.Extensions\.Logging"),
    ("route grain pick and reports (Orleans)", r"\[Orleans|Orleans\.|Actors\.Grains|Actors\.Api\.Picking|Actors\.Api\.Cluster"),
    ("request body: read, parse, check, rewrite", r"System\.Text\.Json|Actors\.Api\.Proxy\.(ChatRequest|RequestCheck|RequestPreparer|RequestBodyReader|RequestValues)|Actors\.Api\.Routing|Actors\.Api\.Providers"),
    ("YARP forwarder", r"\[Yarp|Yarp\.ReverseProxy"),
    ("upstream HTTP client (System.Net.Http)", r"System\.Net\.Http"),
    ("gateway pipeline, other", r"Actors\."),
    ("Kestrel and ASP.NET Core", r"Microsoft\.AspNetCore"),
    ("socket engine (epoll)", r"System\.Net\.Sockets"),
]
THREAD_COMPONENTS = [("JIT (tiered compilation)", r"Tiered Com"), ("garbage collector", r"GC"), ("request log line", r"request-log")]

def symbol(frame):
    """A frame without its address and its file: a composite image's file name (Actors.Api.r2r.dll) names no component."""
    return re.sub(r"\s*\([^()]*\)$", "", frame.split(" ", 1)[-1])

def classify(thread, frames):
    for name, pattern in THREAD_COMPONENTS:
        if re.search(pattern, thread):
            return name
    symbols = [symbol(f) for f in frames]
    for frame in symbols:
        for name, pattern in COMPONENTS:
            if re.search(pattern, frame):
                return name
    if any("sched_yield" in f for f in symbols):
        return "thread pool spinning for work (sched_yield)"
    if any(re.search(r"\.r2r\.dll|\.dll\)$", f) for f in frames):
        return "precompiled code perf cannot name (ReadyToRun)"
    if any("gc_heap" in f or "GCHeap" in f for f in frames):
        return "garbage collector"
    return "thread pool, runtime and other"

def breakdown(path):
    counts, total = Counter(), 0
    with open(path) as script:
        blocks = script.read().split("\n\n")
    for block in blocks:
        lines = [l for l in block.strip().split("\n") if l.strip()]
        if not lines:
            continue
        head = re.match(r"\s*(.*?)\s+\d+[/ ]", lines[0])
        thread = head.group(1) if head else ""
        counts[classify(thread, [l.strip() for l in lines[1:]])] += 1
        total += 1
    return counts, total

def main():
    """Arguments: label=perf-script-file=cpu-us-per-request ...; prints one markdown table, a column pair per process."""
    columns = []
    for arg in sys.argv[1:]:
        label, path, us = arg.split("=")
        counts, total = breakdown(path)
        columns.append((label, counts, max(total, 1), float(us)))
    order = Counter()
    for _, counts, total, _ in columns:
        for name, n in counts.items():
            order[name] += n / total
    print("| component | " + " | ".join(f"{label}: µs per request (share)" for label, *_ in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, _ in order.most_common():
        cells = [f"{us * counts[name] / total:.1f} ({100 * counts[name] / total:.0f}%)" if counts[name] else "–"
                 for _, counts, total, us in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| **total (CPU per request, samples)** | " + " | ".join(f"**{us:.1f}** ({total})" for _, _, total, us in columns) + " |")

if __name__ == "__main__":
    main()
