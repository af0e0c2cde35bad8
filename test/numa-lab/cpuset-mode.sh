#!/usr/bin/env bash
# cpuset-mode.sh on|off: inside the running NUMA lab, let libvirt use the cpuset cgroup controller (on, the
# default) or not (off: a live emulatorpin then only moves QEMU's main thread, leaving vhost behind).
# Restarts libvirtd inside the lab when the mode changes; running guests keep running.
set -euo pipefail
source "$(dirname "$0")/common.sh"
case "${1:-}" in
    on) lab_ssh 'f=/etc/libvirt/qemu.conf; if grep -q "^cgroup_controllers" $f; then sed -i "/^cgroup_controllers/d" $f; systemctl restart libvirtd; fi' ;;
    off) lab_ssh 'f=/etc/libvirt/qemu.conf; if ! grep -q "^cgroup_controllers" $f; then echo "cgroup_controllers = [ \"cpu\", \"devices\", \"memory\", \"blkio\", \"cpuacct\" ]" >> $f; systemctl restart libvirtd; fi' ;;
    *) echo "usage: cpuset-mode.sh on|off" >&2; exit 2 ;;
esac
lab_ssh 'for i in $(seq 60); do virsh -q version >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1'
