# Shared by up.sh and down.sh: where the lab keeps what it started, and how it stops it.
# Everything the lab starts is recorded as "PID COMM" under $STATE/pids/NAME; it is stopped by that PID only,
# and only while /proc/PID/comm still says COMM (PIDs wrap quickly on small machines).
STATE=${NUMA_LAB_STATE:-/run/numa-placement-lab}
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$LAB_DIR/../.." && pwd)
VIRSH=(virsh -q -c qemu:///system)

log() { printf 'lab: %s\n' "$*" >&2; }

record_pid() { # NAME PID
    local comm
    comm=$(cat "/proc/$2/comm" 2>/dev/null) || { log "process $2 ($1) vanished right after start"; return 1; }
    mkdir -p "$STATE/pids"
    printf '%s %s\n' "$2" "$comm" > "$STATE/pids/$1"
}

recorded_pid() { # NAME -> prints PID when that process is still the one we started
    local f="$STATE/pids/$1" pid comm now
    [ -f "$f" ] || return 1
    read -r pid comm < "$f"
    now=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [ "$now" = "$comm" ] || return 1
    printf '%s\n' "$pid"
}

stop_recorded() { # NAME [group]: SIGTERM the recorded PID (or its process group), wait, then forget it
    local pid i
    if pid=$(recorded_pid "$1"); then
        log "stopping $1 (pid $pid)"
        if [ "${2:-}" = group ]; then kill -TERM -- "-$pid" 2>/dev/null; else kill -TERM "$pid" 2>/dev/null; fi
        for i in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.2; done
        if [ -e "/proc/$pid" ]; then
            log "$1 (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
            if [ "${2:-}" = group ]; then kill -KILL -- "-$pid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi
        fi
    fi
    rm -f "$STATE/pids/$1"
}

probe() { node "$LAB_DIR/probe.mjs" "$@"; }

bus_has_owner() { # NAME
    busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner s "$1" 2>/dev/null | grep -q true
}

bus_owner_pid() { # NAME
    busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetConnectionUnixProcessID s "$1" | awk '{print $2}'
}

# A bus-activated service the lab started may have been started again by the bus since (after it stopped);
# it is still the lab's: point the record at the name's current owner when that is the same program.
refresh_bus_record() { # NAME BUSNAME
    local f="$STATE/pids/$1" pid comm owner
    [ -f "$f" ] || return 0
    recorded_pid "$1" >/dev/null && return 0
    read -r pid comm < "$f"
    owner=$(bus_owner_pid "$2" 2>/dev/null) || return 0
    [ -n "$owner" ] && [ "$(cat "/proc/$owner/comm" 2>/dev/null)" = "$comm" ] && printf '%s %s\n' "$owner" "$comm" > "$f"
    return 0
}

# A Cockpit that runs as an ordinary user: cockpit-ws with one local-session bridge under its own session bus on
# 127.0.0.1:PORT, and a keepalive websocket (the bridge ends 15 s after the last one closes). Recorded as
# NAME-cockpit-ws and NAME-keepalive. The command prefix runs a program as that user.
user_cockpit_up() { # NAME PORT COMMAND-PREFIX...
    local name=$1 port=$2 pid i
    shift 2
    if ! probe http "http://127.0.0.1:$port/"; then
        log "starting cockpit-ws ($name) on 127.0.0.1:$port"
        "$@" setsid dbus-run-session -- /usr/lib/cockpit/cockpit-ws --no-tls -a 127.0.0.1 -p "$port" \
            --local-session=cockpit-bridge > "$STATE/run/$name-cockpit-ws.log" 2>&1 < /dev/null &
        pid=$!
        for i in $(seq 50); do probe http "http://127.0.0.1:$port/" && break; sleep 0.2; done
        record_pid "$name-cockpit-ws" "$pid"
    fi
    if recorded_pid "$name-cockpit-ws" >/dev/null && ! recorded_pid "$name-keepalive" >/dev/null; then
        COCKPIT_SOCKET="ws://127.0.0.1:$port/cockpit/socket" \
            setsid node --experimental-websocket "$LAB_DIR/keepalive.mjs" > "$STATE/run/$name-keepalive.log" 2>&1 < /dev/null &
        pid=$!
        sleep 1
        record_pid "$name-keepalive" "$pid"
    fi
}

user_cockpit_down() { # NAME
    stop_recorded "$1-keepalive"
    stop_recorded "$1-cockpit-ws" group
}
