#!/usr/bin/env bash
# A user libvirt does not let in: numa-lab-outsider (no libvirt or kvm group, no sudo), and a Cockpit that runs
# as that user on 127.0.0.1:9093: `outsider.sh up` / `outsider.sh down`, called by up.sh and down.sh. The page
# there shows what libvirt lets this user see (nothing of qemu:///system: the system bus refuses org.libvirt to
# anyone outside root and the libvirt group), and a change forced through the same D-Bus path is refused.
set -euo pipefail
source "$(dirname "$0")/common.sh"
OUTSIDER=numa-lab-outsider
OUTSIDER_PORT=9093

up() {
    if ! id "$OUTSIDER" >/dev/null 2>&1; then
        log "adding user $OUTSIDER (no libvirt group, no sudo)"
        useradd --create-home --shell /bin/sh "$OUTSIDER"
    fi
    local uhome uid urun
    uhome=$(getent passwd "$OUTSIDER" | cut -d: -f6)
    uid=$(id -u "$OUTSIDER")
    urun=/run/user/$uid
    install -d -o "$OUTSIDER" -g "$OUTSIDER" -m 0700 "$urun"
    if ! probe http "http://127.0.0.1:$OUTSIDER_PORT/"; then
        log "starting cockpit-ws as $OUTSIDER on 127.0.0.1:$OUTSIDER_PORT"
        setpriv --reuid="$OUTSIDER" --regid="$OUTSIDER" --init-groups \
            env -i HOME="$uhome" USER="$OUTSIDER" LOGNAME="$OUTSIDER" XDG_RUNTIME_DIR="$urun" \
            PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
            setsid dbus-run-session -- /usr/lib/cockpit/cockpit-ws --no-tls -a 127.0.0.1 -p "$OUTSIDER_PORT" \
            --local-session=cockpit-bridge > "$STATE/run/outsider-cockpit-ws.log" 2>&1 < /dev/null &
        local pid=$!
        for i in $(seq 50); do probe http "http://127.0.0.1:$OUTSIDER_PORT/" && break; sleep 0.2; done
        record_pid outsider-cockpit-ws "$pid"
    fi
    if recorded_pid outsider-cockpit-ws >/dev/null && ! recorded_pid outsider-keepalive >/dev/null; then
        COCKPIT_SOCKET="ws://127.0.0.1:$OUTSIDER_PORT/cockpit/socket" \
            setsid node --experimental-websocket "$LAB_DIR/keepalive.mjs" > "$STATE/run/outsider-keepalive.log" 2>&1 < /dev/null &
        local pid=$!
        sleep 1
        record_pid outsider-keepalive "$pid"
    fi
}

down() {
    stop_recorded outsider-keepalive
    stop_recorded outsider-cockpit-ws group
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
