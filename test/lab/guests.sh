#!/usr/bin/env bash
# The lab's demo guests: `guests.sh up` defines and starts them, `guests.sh down` removes them.
# Only guests this script created (listed in $STATE/guests) are ever changed or removed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
LIST="$STATE/guests"
touch "$LIST"

ours() { grep -qxF "$1" "$LIST"; }

# KVM where /dev/kvm is usable, else TCG
TYPE=qemu
[ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" = kvm ] && TYPE=kvm

xml_for() { # NAME -> domain XML on stdout (the files hold @TYPE@ for the accelerator)
    sed "s/@TYPE@/$TYPE/" "$LAB_DIR/guests/$1.xml"
}

up() {
    local f name kind exists
    for f in "$LAB_DIR"/guests/*.xml; do
        name=$(basename "$f" .xml)
        kind=$(sed -n 's/.*<!-- lab: \([a-z-]*\) -->.*/\1/p' "$f")
        exists=no
        "${VIRSH[@]}" dominfo "$name" >/dev/null 2>&1 && exists=yes
        if [ $exists = yes ] && ! ours "$name"; then
            log "a guest named $name exists and is not the lab's: left as it is"
            continue
        fi
        case "$kind" in
            transient)
                if [ $exists = no ]; then
                    log "creating transient guest $name"
                    xml_for "$name" > "$STATE/run/$name.xml"
                    ours "$name" || echo "$name" >> "$LIST"
                    "${VIRSH[@]}" create "$STATE/run/$name.xml" >/dev/null
                fi ;;
            running|shutoff)
                if [ $exists = no ]; then
                    log "defining guest $name"
                    xml_for "$name" > "$STATE/run/$name.xml"
                    ours "$name" || echo "$name" >> "$LIST"
                    "${VIRSH[@]}" define "$STATE/run/$name.xml" >/dev/null
                fi
                if [ "$kind" = running ] && [ "$("${VIRSH[@]}" domstate "$name")" != running ]; then
                    log "starting guest $name"
                    "${VIRSH[@]}" start "$name" >/dev/null
                fi ;;
            *) log "$f has no <!-- lab: running|shutoff|transient --> marker"; exit 1 ;;
        esac
    done
}

down() {
    local name
    while read -r name; do
        [ -n "$name" ] || continue
        if "${VIRSH[@]}" dominfo "$name" >/dev/null 2>&1; then
            log "removing guest $name"
            [ "$("${VIRSH[@]}" domstate "$name")" = "shut off" ] || "${VIRSH[@]}" destroy "$name" >/dev/null || true
            "${VIRSH[@]}" undefine "$name" >/dev/null 2>&1 || true
        fi
    done < "$LIST"
    : > "$LIST"
}

"$1"
