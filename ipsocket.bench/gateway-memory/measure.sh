#!/usr/bin/env bash
# Heap per configured socket in the gateway (issue 15): ConfigAdmin configuration, DS component,
# service registration, idle connection.
#
#   ipsocket.bench/gateway-memory/measure.sh [--sockets N] [--port P] [--pid FACTORY_PID] [--out DIR]
#
# Starts the built gateway (./gateway --no-shell) on an empty configuration directory, with a
# peer (HoldPeer.java) that accepts and holds connections on 127.0.0.1:P. Once the gateway is up,
# takes a class histogram and a heap dump (jcmd, both after a full GC: live objects only), then
# writes N files FACTORY_PID-sNNNN.cfg (objectId, hostname 127.0.0.1, port P) into the directory,
# waits until N connections to P are established (for ipsocket.TcpSocket; for any other factory
# PID, until FileInstall has read the N files) and the heap is steady, and takes the second
# histogram and dump. GatewayHeap.java then prints the bytes per socket by class, by layer and by
# owner. Deterministic figures (heap contents), no timing; needs the build first:
#   ./mvnw -o -q -B verify -DskipTests
# Defaults: 2000 sockets, port 47531, ipsocket.TcpSocket, out ipsocket.bench/target/gateway-memory.
# The dumps are large (about 100 MB each for 2,000 sockets); they stay in the out directory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n=2000
port=47531
pid_prefix=ipsocket.TcpSocket
out="$repo/ipsocket.bench/target/gateway-memory"
while [ $# -gt 0 ]; do
    case "$1" in
        --sockets) n="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        --pid) pid_prefix="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) sed -n '2,20p' "$0" >&2; exit 2 ;;
    esac
done

[ -f "$repo/ipsocket.gateway/target/gateway.jar" ] || {
    echo "measure: build first: ./mvnw -o -q -B verify -DskipTests" >&2; exit 2; }
if ss -Htln "( sport = :$port )" | grep -q .; then
    echo "measure: port $port is in use; choose another with --port" >&2; exit 2
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((n + 1000)) ]; then
    echo "measure: ulimit -n $(ulimit -n) is too low for $n sockets" >&2; exit 2
fi

rm -rf "$out"
mkdir -p "$out/conf"
log() { echo "measure: $(date -u +%H:%M:%S) $*" >&2; }

peer=""
gateway=""
cleanup() {
    [ -n "$gateway" ] && kill -TERM "$gateway" 2>/dev/null && wait "$gateway" 2>/dev/null || true
    [ -n "$peer" ] && kill "$peer" 2>/dev/null && wait "$peer" 2>/dev/null || true
}
trap cleanup EXIT

# Waits up to $1 seconds for the command in the rest of the arguments to succeed.
await() {
    local limit=$(( $(date +%s) + $1 )); shift
    until "$@"; do
        [ "$(date +%s)" -lt "$limit" ] || { log "gave up waiting for: $*"; return 1; }
        sleep 1
    done
}

java "$here/HoldPeer.java" "$port" > "$out/peer.log" 2>&1 &
peer=$!
await 60 grep -q listening "$out/peer.log"

"$repo/gateway" --no-shell --conf "$out/conf" --log "$out/gateway.log" --deploy "$out/deploy" \
    > "$out/console.log" 2>&1 < /dev/null &
gateway=$!
jvm_pid() { pgrep -P "$gateway" java; }
await 60 jvm_pid > /dev/null
jvm=$(jvm_pid)
count_of() { jcmd "$jvm" GC.class_histogram | awk -v c="$1" '$4 == c { print $2 }' | head -1; }
runtime_up() { [ -n "$(count_of ipsocket.impl.osgi.SocketRuntime)" ]; }
await 120 runtime_up
sleep 5 # let the framework finish starting (bundles, FileInstall's first scan)

# Takes a histogram and a heap dump named $1, after waiting for the heap to hold still: three
# histograms 3 s apart whose totals are within 0.1 % of each other (at most 20 tries). Work in
# flight (FileInstall's list of files being read, queued events) would otherwise be counted: it
# shows as the "JDK only" row, held by a thread's stack.
snapshot() {
    local a=0 b=0 c max min
    for _ in $(seq 1 20); do
        c=$(jcmd "$jvm" GC.class_histogram | awk '$1 == "Total" { print $3 }')
        max=$(printf '%s\n' "$a" "$b" "$c" | sort -n | tail -1)
        min=$(printf '%s\n' "$a" "$b" "$c" | sort -n | head -1)
        if [ "$min" -gt 0 ] && [ $(( (max - min) * 1000 )) -lt "$c" ]; then
            break
        fi
        a=$b
        b=$c
        sleep 3
    done
    jcmd "$jvm" GC.class_histogram > "$out/$1.histo"
    jcmd "$jvm" GC.heap_dump "$out/$1.hprof" > /dev/null
    log "$1: $(awk '$1 == "Total" { print $3 }' "$out/$1.histo") bytes live"
}
snapshot before

log "writing $n configurations $pid_prefix-sNNNN.cfg"
for i in $(seq 1 "$n"); do
    name=$(printf 's%04d' "$i")
    printf 'objectId = %s\nhostname = 127.0.0.1\nport = %s\n' "$name" "$port" > "$out/conf/.$name.tmp"
    mv "$out/conf/.$name.tmp" "$out/conf/$pid_prefix-$name.cfg"
done

if [ "$pid_prefix" = ipsocket.TcpSocket ]; then
    established() { [ "$(ss -Htn state established "( dport = :$port )" | wc -l)" -ge "$n" ]; }
    await 300 established
    components() { [ "$(count_of ipsocket.impl.osgi.ConfiguredTcpSocket)" = "$n" ]; }
    await 60 components
else
    # FileInstall has read every file (one Artifact each); snapshot then waits for a steady heap
    read_all() { [ "$(count_of org.apache.felix.fileinstall.internal.Artifact || true)" -ge "$n" ] 2>/dev/null; }
    await 300 read_all
fi
log "$n sockets configured"
snapshot after

kill -TERM "$gateway"
wait "$gateway" || log "gateway exited with status $?"
gateway=""

java -Xmx3g "$here/GatewayHeap.java" "$n" "$out/before.hprof" "$out/before.histo" \
    "$out/after.hprof" "$out/after.histo" | tee "$out/report.txt"
