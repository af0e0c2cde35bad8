# Shared by the NUMA lab's scripts.
NUMA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$NUMA_DIR/../.." && pwd)
# the host generation: Debian 12 (Linux 6.1, libvirt 9.0, Cockpit 287) or Debian 13 (Linux 6.12, libvirt 11.3,
# Cockpit 337); one lab runs at a time (same ports), each generation's image is cached in its own directory
GENERATION=${NUMA_LAB_DEBIAN:-12}
case "$GENERATION" in
    12) SUITE=bookworm ;;
    13) SUITE=trixie ;;
    *) printf 'numa-lab: NUMA_LAB_DEBIAN must be 12 or 13, not "%s"\n' "$GENERATION" >&2; exit 2 ;;
esac
# the ssh key is shared by both generations (the tests read it from here); the images are not
KEYS=${NUMA_LAB_CACHE:-/var/cache/numa-placement-lab}
CACHE=$KEYS/debian-$GENERATION
RUN=${NUMA_LAB_RUN:-/run/numa-placement-numa-lab}
SSH_PORT=${NUMA_LAB_SSH_PORT:-2222}
COCKPIT_PORT=${NUMA_LAB_COCKPIT_PORT:-9091}
# the Cockpit logins inside the lab (a throw-away VM on loopback only)
ADMIN_USER=admin
VIEWER_USER=viewer
LAB_PASSWORD=numalab

# (the last message names the step a failure happened in: up.sh says it)
log() { LAST_LOG=$*; printf 'numa-lab: %s\n' "$*" >&2; }
LAST_LOG="starting"

# one ssh connection shared by every command (a new one costs 5 to 30 s of key exchange and login under emulation,
# a command over the shared one a fraction of a second): its master leaves by itself a minute after the last
# command, or with the lab (lab_ssh_close). It gives the lab 2 minutes to answer (15 s x 8) before it counts the
# connection lost, and every command on it with it: the emulated lab stalls while its guests start.
SSH_OPTS=(-i "$KEYS/id_ed25519" -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o LogLevel=ERROR -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=8 -o BatchMode=yes
          -o ControlMaster=auto -o ControlPath="$RUN/ssh-%C" -o ControlPersist=60)
# run a fixed command inside the lab, as root
lab_ssh() { ssh "${SSH_OPTS[@]}" root@127.0.0.1 "$@"; }
# the same on a connection of its own (-S none: neither uses nor opens the shared one)
lab_ssh_alone() { ssh "${SSH_OPTS[@]}" -S none root@127.0.0.1 "$@"; }
# the shared connection's master asked to leave (through its socket; nothing if none runs)
lab_ssh_close() { ssh "${SSH_OPTS[@]}" -O exit root@127.0.0.1 >/dev/null 2>&1 || true; }

# the recipe: everything the image is built from; a change rebuilds it
recipe_hash() {
    { echo "$SUITE"; cat "$NUMA_DIR/build-image.sh" "$NUMA_DIR/packages.txt" "$NUMA_DIR"/files/* "$KEYS/id_ed25519.pub"; } 2>/dev/null |
        sha256sum | cut -d' ' -f1
}

# the generation of the lab that runs now (written when it boots)
running_generation() { cat "$RUN/generation" 2>/dev/null || echo 12; }

qemu_pid() { # the lab's QEMU, when it is still the process the pidfile names
    local pid
    [ -f "$RUN/qemu.pid" ] || return 1
    pid=$(cat "$RUN/qemu.pid")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "qemu-system-x86" ] || return 1
    echo "$pid"
}
