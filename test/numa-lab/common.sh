# Shared by the NUMA lab's scripts.
NUMA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$NUMA_DIR/../.." && pwd)
CACHE=${NUMA_LAB_CACHE:-/var/cache/numa-placement-lab}
RUN=${NUMA_LAB_RUN:-/run/numa-placement-numa-lab}
SSH_PORT=${NUMA_LAB_SSH_PORT:-2222}
COCKPIT_PORT=${NUMA_LAB_COCKPIT_PORT:-9091}
# the Cockpit logins inside the lab (a throw-away VM on loopback only)
ADMIN_USER=admin
VIEWER_USER=viewer
LAB_PASSWORD=numalab

log() { printf 'numa-lab: %s\n' "$*" >&2; }

SSH_OPTS=(-i "$CACHE/id_ed25519" -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o LogLevel=ERROR -o ConnectTimeout=30 -o ServerAliveInterval=15 -o BatchMode=yes)
# run a fixed command inside the lab, as root
lab_ssh() { ssh "${SSH_OPTS[@]}" root@127.0.0.1 "$@"; }

# the recipe: everything the image is built from; a change rebuilds it
recipe_hash() {
    cat "$NUMA_DIR/build-image.sh" "$NUMA_DIR/packages.txt" "$NUMA_DIR"/files/* "$CACHE/id_ed25519.pub" 2>/dev/null | sha256sum | cut -d' ' -f1
}

qemu_pid() { # the lab's QEMU, when it is still the process the pidfile names
    local pid
    [ -f "$RUN/qemu.pid" ] || return 1
    pid=$(cat "$RUN/qemu.pid")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "qemu-system-x86" ] || return 1
    echo "$pid"
}
