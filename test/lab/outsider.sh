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
    user_cockpit_up outsider "$OUTSIDER_PORT" setpriv --reuid="$OUTSIDER" --regid="$OUTSIDER" --init-groups \
        env -i HOME="$uhome" USER="$OUTSIDER" LOGNAME="$OUTSIDER" XDG_RUNTIME_DIR="$urun" \
        PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8
}

down() {
    user_cockpit_down outsider
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
