#!/usr/bin/env bash
# make lab-down: stop exactly what up.sh started (by recorded PID) and remove only the demo guests.
# Idempotent; daemons and guests that the lab did not start are left running.
set -uo pipefail
source "$(dirname "$0")/common.sh"
[ -d "$STATE" ] || { log "nothing to stop"; exit 0; }

"$LAB_DIR/outsider.sh" down
"$LAB_DIR/session.sh" down
"$LAB_DIR/guests.sh" down
stop_recorded keepalive
stop_recorded cockpit-ws group
refresh_bus_record libvirt-dbus org.libvirt
refresh_bus_record polkit org.freedesktop.PolicyKit1
stop_recorded libvirt-dbus
stop_recorded polkit
stop_recorded libvirtd
stop_recorded virtlogd
stop_recorded dbus
log "down"
