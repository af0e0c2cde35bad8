#!/usr/bin/env bash
# restart.sh libvirtd [stop|start|restart]: for the fault tests, stop and/or start the lab's own libvirtd
# (only when the lab started it: a host's own daemon is never touched), keeping the lab's record current.
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ "${1:-}" = libvirtd ] || { echo "usage: restart.sh libvirtd [stop|start|restart]" >&2; exit 2; }
action=${2:-restart}
[ -f "$STATE/pids/libvirtd" ] || { log "libvirtd was not started by the lab: not touching it"; exit 3; }
if [ "$action" != start ]; then
    pid=$(recorded_pid libvirtd) || { log "the lab's libvirtd is not running"; exit 3; }
    kill -TERM "$pid"
    for i in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.2; done
    echo "$pid libvirtd-stopped" > "$STATE/pids/libvirtd"
fi
if [ "$action" != stop ]; then
    libvirtd -d -p "$STATE/run/libvirtd.pid"
    for i in $(seq 50); do probe socket /run/libvirt/libvirt-sock && break; sleep 0.2; done
    record_pid libvirtd "$(cat "$STATE/run/libvirtd.pid")"
    timeout 60 "${VIRSH[@]}" version >/dev/null
fi
