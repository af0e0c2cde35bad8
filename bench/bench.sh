#!/usr/bin/env bash
# make bench: installs cockpit-machines (the peer), brings the lab up with it, runs bench/run.mjs (loads, counts,
# the audit, Align all), bench/preload.mjs (the shell's preloaded pages), bench/memory.mjs, the soak when BENCH_SOAK_MINUTES is set, bench/memory-move.mjs in the
# NUMA lab when BENCH_NUMA=1 (booting that lab takes longer than the rest of the budget: its last result stays in
# bench/memory-move.json), and writes bench/results.md from all of it (bench/report.mjs). Removes the benchmark's
# guests; the labs stay as they were found (up or down).
set -euo pipefail
cd "$(dirname "$0")/.."
# how long each step took, in seconds: bench/timing.json (report.mjs says it), the soak apart from the budget
declare -A took
step() { local name=$1 t=$SECONDS; shift; "$@"; took[$name]=$((SECONDS - t)); }
# the planner alone (no lab needed): 200 guests on 256 CPUs; its line goes to bench/planner.json
node bench/planner.mjs | tee bench/planner.json
source test/lab/common.sh
if ! dpkg-query -W -f='${Status}' cockpit-machines 2>/dev/null | grep -q 'install ok installed'; then
    flock /run/numa-placement-apt.lock sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cockpit-machines'
fi
# the bridge reads the list of packages when it starts: the lab's cockpit-ws, if it runs without
# cockpit-machines, starts again
if recorded_pid cockpit-ws >/dev/null &&
   ! node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
        http://127.0.0.1:9090/cockpit/@localhost/machines/manifest.json; then
    stop_recorded keepalive; stop_recorded cockpit-ws group
fi
was_up=no
[ -f /run/numa-placement-lab/pids/cockpit-ws ] && was_up=yes
bash test/lab/up.sh
cleanup() {
    for g in $(virsh -q -c qemu:///system list --all --name | grep '^bench-' || true); do
        virsh -q -c qemu:///system destroy "$g" >/dev/null 2>&1 || true
        virsh -q -c qemu:///system undefine "$g" >/dev/null 2>&1 || true
    done
    [ "$was_up" = yes ] || bash test/lab/down.sh
}
trap cleanup EXIT
step run node bench/run.mjs
# what the shell's preloaded pages (Overview, Services) cost a fresh load, the same for any page
step preload node bench/preload.mjs
# what memory truth costs (issue 15): one 2 GiB guest, and the reader over 30 more running guests
step memory eval 'node bench/memory.mjs | tee bench/memory.json'
# the soak last on the local lab, outside the budget: its bench/soak.json is written every minute
# (stopped early, it leaves the minutes it did and the rest of make bench goes on)
[ "${BENCH_SOAK_MINUTES:-0}" = 0 ] || step soak node bench/soak.mjs || echo "bench: the soak stopped early: bench/soak.json has the minutes it did" >&2
# Move memory against migratepages by hand (issue 15): needs several nodes, so in the NUMA lab (Debian 13), after
# the local lab is down again; the NUMA lab too stays as it was found
trap - EXIT
cleanup
if [ "${BENCH_NUMA:-0}" = 1 ]; then
    numa_was_up=no
    [ -f /run/numa-placement-numa-lab/qemu.pid ] && numa_was_up=yes
    trap '[ "$numa_was_up" = yes ] || bash test/numa-lab/down.sh' EXIT
    NUMA_LAB_DEBIAN=13 bash test/numa-lab/up.sh
    step memoryMove eval 'node bench/memory-move.mjs | tee bench/memory-move.json'
fi
took[total]=$((SECONDS - ${took[soak]:-0}))
args=(); for k in "${!took[@]}"; do args+=("$k=${took[$k]}"); done
node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map(a => a.split("=")).map(([k, v]) => [k, Number(v)]))))' \
    "${args[@]}" > bench/timing.json
node bench/report.mjs
