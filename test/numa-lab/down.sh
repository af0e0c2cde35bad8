#!/usr/bin/env bash
# make numa-lab-down: power the NUMA lab off over ssh; stop its QEMU by its pidfile only if it hangs.
set -uo pipefail
source "$(dirname "$0")/common.sh"
pid=$(qemu_pid) || { log "not running"; rm -f "$RUN/qemu.pid"; exit 0; }
# an exited QEMU whose parent has not reaped it yet (a zombie) has already stopped
running() { [ -e "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; }
log "powering off (pid $pid)"
lab_ssh 'systemctl poweroff' >/dev/null 2>&1 || true
lab_ssh_close
for i in $(seq 60); do running || break; sleep 1; done
if running && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ]; then
    log "no clean power-off in 60 s: stopping pid $pid"
    kill -TERM "$pid"
    for i in $(seq 20); do running || break; sleep 0.5; done
    running && kill -KILL "$pid"
fi
rm -f "$RUN/qemu.pid"
log "down"
