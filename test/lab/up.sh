#!/usr/bin/env bash
# make lab: bring up the local lab on a Debian 12 host, as root. Idempotent: it starts only what is not
# running yet, records what it started, and never restarts or stops a daemon or guest it did not start.
set -euo pipefail
source "$(dirname "$0")/common.sh"

[ "$(id -u)" = 0 ] || { log "run as root (it installs packages and starts system daemons)"; exit 1; }
mkdir -p "$STATE/pids" "$STATE/run"

# 1. Debian packages, only when missing
PACKAGES=(cockpit-ws cockpit-bridge cockpit-system libvirt-daemon-system libvirt-daemon-system-sysv
          libvirt-clients libvirt-dbus qemu-system-x86 dbus polkitd chromium numactl strace)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # keep package scripts from starting daemons; removed again below
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    # one apt at a time: the NUMA lab's script may be installing too (make check runs both)
    flock /run/numa-placement-apt.lock sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' apt "${missing[@]}" >&2
fi

# 2. the plugin: build and install (the bridge reads the plugin list when it starts, so before cockpit-ws)
[ -d "$TOP/node_modules" ] || (cd "$TOP" && npm ci --no-audit --no-fund >&2)
make -C "$TOP" --no-print-directory install PREFIX=/usr/local >&2

# 3. /dev/kvm: without udev it is root-only, and QEMU runs as libvirt-qemu (group kvm)
if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ]; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

# 4. system D-Bus
if ! busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId >/dev/null 2>&1; then
    log "starting the system D-Bus"
    dbus-uuidgen --ensure
    mkdir -p /run/dbus
    rm -f /run/dbus/pid /run/dbus/system_bus_socket
    pid=$(dbus-daemon --system --fork --print-pid)
    record_pid dbus "$pid"
fi

# 5. virtlogd and libvirtd
mkdir -p /run/libvirt
if ! probe socket /run/libvirt/virtlogd-sock; then
    log "starting virtlogd"
    virtlogd -d -p "$STATE/run/virtlogd.pid"
    record_pid virtlogd "$(cat "$STATE/run/virtlogd.pid")"
fi
if ! probe socket /run/libvirt/libvirt-sock; then
    # the NAT network needs dnsmasq; where it is absent, its autostart only fills the log with errors
    if ! command -v dnsmasq >/dev/null && [ -L /etc/libvirt/qemu/networks/autostart/default.xml ]; then
        rm -f /etc/libvirt/qemu/networks/autostart/default.xml
    fi
    log "starting libvirtd"
    libvirtd -d -p "$STATE/run/libvirtd.pid"
    for i in $(seq 50); do probe socket /run/libvirt/libvirt-sock && break; sleep 0.2; done
    record_pid libvirtd "$(cat "$STATE/run/libvirtd.pid")"
fi
log "waiting for libvirt (its first QEMU probe takes about 10 s on a cold cache)"
timeout 120 "${VIRSH[@]}" version >/dev/null

# 6. polkit and libvirt-dbus, through the bus's own activation (each runs as its own user)
for svc in polkit:org.freedesktop.PolicyKit1 libvirt-dbus:org.libvirt; do
    name=${svc%%:*} busname=${svc#*:}
    if ! bus_has_owner "$busname"; then
        log "starting $name"
        busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
            StartServiceByName su "$busname" 0 >/dev/null
        record_pid "$name" "$(bus_owner_pid "$busname")"
    fi
done

# 7. cockpit-ws on loopback, with a local session (one bridge, as root) and a websocket that keeps it alive
if ! probe http http://127.0.0.1:9090/; then
    log "starting cockpit-ws on 127.0.0.1:9090"
    # its own session so that it, its bridge and the session bus it runs under are stopped as one group
    setsid dbus-run-session -- /usr/lib/cockpit/cockpit-ws --no-tls -a 127.0.0.1 -p 9090 \
        --local-session=cockpit-bridge > "$STATE/run/cockpit-ws.log" 2>&1 < /dev/null &
    pid=$!
    for i in $(seq 50); do probe http http://127.0.0.1:9090/ && break; sleep 0.2; done
    record_pid cockpit-ws "$pid"
fi
if recorded_pid cockpit-ws >/dev/null && ! recorded_pid keepalive >/dev/null; then
    setsid node --experimental-websocket "$LAB_DIR/keepalive.mjs" > "$STATE/run/keepalive.log" 2>&1 < /dev/null &
    pid=$!
    sleep 1
    record_pid keepalive "$pid"
fi

# 8. the demo guests
"$LAB_DIR/guests.sh" up

# 9. an ordinary user with guests of their own (qemu:///session) and a Cockpit as that user on :9092
"$LAB_DIR/session.sh" up

# 10. a user libvirt does not let in, and a Cockpit as that user on :9093
"$LAB_DIR/outsider.sh" up

log "ready"
echo "NUMA placement lab: http://127.0.0.1:9090/numa-placement"
echo "  as an ordinary user with qemu:///session guests: http://127.0.0.1:9092/numa-placement"
echo "  as a user libvirt does not let in: http://127.0.0.1:9093/numa-placement"
