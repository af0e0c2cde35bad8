#!/usr/bin/env bash
# The lab's ordinary user with virtual machines of their own (qemu:///session), and a second Cockpit that
# runs as that user: `session.sh up` / `session.sh down`, called by up.sh and down.sh.
# The user (numa-lab-user, groups kvm and libvirt) gets its own libvirtd (started here, recorded by PID; its
# QEMU output goes to files, so no session virtlogd is spawned), two guests (demo-mine running, its emulator
# unpinned; demo-aligned shut off, a name the system connection has too), and cockpit-ws on 127.0.0.1:9092
# with one local-session bridge as that user, under its own session bus: the page there reads
# qemu:///session through a libvirt-dbus that this bus starts.
set -euo pipefail
source "$(dirname "$0")/common.sh"
SESSION_USER=numa-lab-user
SESSION_PORT=9092

user_env() { # sets UHOME, UID_, URUN and AS_USER (a command prefix: run as the lab user, with a login-like
    # environment and nothing of root's; an array, not a function, so that a background job's $! is the program)
    UHOME=$(getent passwd "$SESSION_USER" | cut -d: -f6)
    UID_=$(id -u "$SESSION_USER")
    URUN=/run/user/$UID_
    AS_USER=(setpriv --reuid="$SESSION_USER" --regid="$SESSION_USER" --init-groups
             env -i HOME="$UHOME" USER="$SESSION_USER" LOGNAME="$SESSION_USER" XDG_RUNTIME_DIR="$URUN"
             PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8)
}

as_user() { "${AS_USER[@]}" "$@"; }

TYPE=qemu
[ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" = kvm ] && TYPE=kvm

up() {
    if ! id "$SESSION_USER" >/dev/null 2>&1; then
        log "adding user $SESSION_USER"
        useradd --create-home --shell /bin/sh --groups kvm,libvirt "$SESSION_USER"
    fi
    usermod -a -G kvm,libvirt "$SESSION_USER"
    user_env
    install -d -o "$SESSION_USER" -g "$SESSION_USER" -m 0700 "$URUN"
    as_user mkdir -p "$UHOME/.config/libvirt"
    as_user sh -c 'printf "stdio_handler = \"file\"\n" > "$HOME/.config/libvirt/qemu.conf"'

    if ! probe socket "$URUN/libvirt/libvirt-sock"; then
        log "starting $SESSION_USER's libvirtd (qemu:///session)"
        "${AS_USER[@]}" setsid libvirtd > "$STATE/run/session-libvirtd.log" 2>&1 < /dev/null &
        local pid=$!
        for i in $(seq 100); do probe socket "$URUN/libvirt/libvirt-sock" && break; sleep 0.2; done
        record_pid session-libvirtd "$pid"
    fi
    as_user timeout 120 virsh -q -c qemu:///session version >/dev/null

    local f name
    for f in "$LAB_DIR"/session-guests/*.xml; do
        name=$(basename "$f" .xml)
        if ! as_user virsh -q -c qemu:///session dominfo "$name" >/dev/null 2>&1; then
            log "defining $SESSION_USER's guest $name"
            sed "s/@TYPE@/$TYPE/" "$f" > "$STATE/run/session-$name.xml"
            chmod 0644 "$STATE/run/session-$name.xml"
            as_user virsh -q -c qemu:///session define "$STATE/run/session-$name.xml" >/dev/null
        fi
        if grep -q '<!-- lab: running -->' "$f" &&
           ! as_user virsh -q -c qemu:///session domstate "$name" | grep -qx running; then
            log "starting $SESSION_USER's guest $name"
            as_user virsh -q -c qemu:///session start "$name" >/dev/null
        fi
    done

    user_cockpit_up session "$SESSION_PORT" "${AS_USER[@]}"
}

down() {
    user_cockpit_down session
    id "$SESSION_USER" >/dev/null 2>&1 || return 0
    user_env
    # (only while the user's libvirtd answers: virsh would start one otherwise)
    if probe socket "$URUN/libvirt/libvirt-sock"; then
        local f name
        for f in "$LAB_DIR"/session-guests/*.xml; do
            name=$(basename "$f" .xml)
            as_user virsh -q -c qemu:///session destroy "$name" >/dev/null 2>&1 || true
            as_user virsh -q -c qemu:///session undefine "$name" >/dev/null 2>&1 || true
        done
    fi
    stop_recorded session-libvirtd
    # libvirt starts the user's libvirtd again on demand when it is gone (libvirtd --timeout=120): such a one
    # is stopped by the PID in its own pid file, when that process is the user's libvirtd
    local pid
    if pid=$(cat "$URUN/libvirt/libvirtd.pid" 2>/dev/null) && [ -n "$pid" ] &&
       [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd ] && [ "$(stat -c %u "/proc/$pid")" = "$UID_" ]; then
        log "stopping $SESSION_USER's libvirtd started on demand (pid $pid)"
        kill -TERM "$pid"
    fi
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
