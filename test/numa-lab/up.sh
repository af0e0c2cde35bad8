#!/usr/bin/env bash
# make numa-lab: the article's 4-node, 24-CPU host as a nested Debian VM (TCG), with libvirt, libvirt-dbus,
# Cockpit (http://127.0.0.1:9091, password login) and demo guests with vhost-net NICs. Idempotent.
#   NUMA_LAB_DEBIAN=12 (the default: Linux 6.1, libvirt 9.0, Cockpit 287) or 13 (Linux 6.12, libvirt 11.3, Cockpit 337)
#   NUMA_LAB_NO_CPUSET=1: libvirt without its cpuset controller, so a live emulatorpin leaves vhost behind
#   NUMA_LAB_IMAGE_ONLY=1: only build the image when needed (make check does it while other suites run)
set -Eeuo pipefail
source "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || { log "run as root"; exit 1; }
mkdir -p "$RUN"
# a step that fails says which, last (make check's summary quotes the last lines), after the lab's console's last
# lines (what the lab itself said, e.g. a boot that stopped). (-E: also for a command inside a function)
failed() {
    local step=$LAST_LOG
    if [ -s "$RUN/serial.log" ]; then log "the lab's console, its last lines:"; tail -n 12 "$RUN/serial.log" | cat -v >&2; fi
    log "FAILED (exit $1) at \"$step\": $2"
}
trap 'failed $? "$BASH_COMMAND"' ERR

missing=()
for p in qemu-system-x86 openssh-client e2fsprogs debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    # one apt at a time: the local lab's script may be installing too (make check runs both)
    flock /run/numa-placement-apt.lock sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' apt "${missing[@]}" >&2
fi

# 1. the image, when missing or when its recipe changed
if [ ! -f "$CACHE/image.raw" ] || [ "$(cat "$CACHE/recipe.sha256" 2>/dev/null)" != "$(recipe_hash)" ]; then
    if qemu_pid >/dev/null && [ "$(running_generation)" = "$GENERATION" ]; then
        log "the image's recipe changed while the lab runs: make numa-lab-down first"; exit 1
    fi
    log "building the disk image (about a minute and a half)"
    bash "$NUMA_DIR/build-image.sh"
fi

[ "${NUMA_LAB_IMAGE_ONLY:-0}" = 1 ] && { log "image ready"; exit 0; }

if qemu_pid >/dev/null && [ "$(running_generation)" != "$GENERATION" ]; then
    log "the Debian $(running_generation) lab runs: make numa-lab-down first (one generation at a time)"; exit 1
fi

# 2. boot it, unless it runs
if ! qemu_pid >/dev/null; then
    node "$NUMA_DIR/srat.mjs" "$RUN/srat.bin" "$RUN/slit.bin"
    log "booting the 4-node host (Debian $GENERATION, TCG, 24 CPUs)"
    rm -f "$RUN/serial.log"
    qemu-system-x86_64 -name numa-lab -M q35 -accel tcg,thread=multi,tb-size=512 -cpu max \
        -smp 24,sockets=1,cores=24,threads=1 -m 4G -acpitable file="$RUN/srat.bin" -acpitable file="$RUN/slit.bin" \
        -kernel "$CACHE/vmlinuz" -initrd "$CACHE/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 maxcpus=2 systemd.show_status=0" \
        -drive file="$CACHE/image.raw",format=raw,if=none,id=d0,cache=unsafe,snapshot=on \
        -device virtio-blk-pci,drive=d0 \
        -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$COCKPIT_PORT-:9090,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22 \
        -device virtio-net-pci,netdev=n0 \
        -netdev hubport,id=n1,hubid=1 -device virtio-net-pci,netdev=n1,addr=0x10,mac=52:54:00:1a:b0:00 \
        -netdev hubport,id=n3,hubid=3 -device virtio-net-pci,netdev=n3,addr=0x11,mac=52:54:00:1a:b3:00 \
        -display none -serial file:"$RUN/serial.log" \
        -pidfile "$RUN/qemu.pid" -daemonize
    echo "${NUMA_LAB_NO_CPUSET:-0}" > "$RUN/no-cpuset"
    echo "$GENERATION" > "$RUN/generation"
fi

log "waiting for ssh"
boot_wait_start=$SECONDS
# (each try on a connection of its own, not the shared one: a master set up while the lab still boots could hang
# with it; the first command after opens the shared one)
# A boot that cannot succeed fails at once, so that make check tries the lab again in time: the emulated kernel
# once panicked 3 s into its boot (an int3 while patching its code under TCG), and the wait went on for 20 minutes.
booted=0
for i in $(seq 600); do
    timeout 60 ssh "${SSH_OPTS[@]}" -S none -o ServerAliveCountMax=2 root@127.0.0.1 true 2>/dev/null && { booted=1; break; }
    grep -q "Kernel panic" "$RUN/serial.log" 2>/dev/null && { log "the lab's kernel panicked while it booted"; false; }
    qemu_pid >/dev/null || { log "the lab's QEMU ended while it booted"; false; }
    [ "$SECONDS" -lt "$((boot_wait_start + 900))" ] || break
    sleep 1
done
[ "$booted" = 1 ] || { log "no ssh after 15 minutes"; false; }
lab_ssh true
log "waiting for libvirt (CPUs online, kvm_amd loaded)"
# (under TCG its first start, which probes QEMU, has taken from under a minute to over two: up to 5 minutes,
# starting it again if systemd gave up, and saying why when it never answers)
lab_ssh 'for i in $(seq 60); do
             systemctl start libvirtd.service 2>/dev/null
             timeout 20 virsh -q version >/dev/null 2>&1 && exit 0
             sleep 5
         done
         systemctl status --no-pager libvirtd.service >&2; journalctl -b --no-pager -u libvirtd.service | tail -20 >&2
         exit 1'

# 3. cpuset controller on or off, as asked (a running lab switches when asked again)
want=${NUMA_LAB_NO_CPUSET:-$(cat "$RUN/no-cpuset" 2>/dev/null || echo 0)}
bash "$NUMA_DIR/cpuset-mode.sh" "$([ "$want" = 1 ] && echo off || echo on)"
echo "$want" > "$RUN/no-cpuset"

# 4. a NIC on node 0 and one on node 3, each in a bridge for guests (br0, br3). QEMU puts them on its root bus, whose
# node the hand-made SRAT does not give (-1), so the lab sets it in sysfs as a firmware fix-up would (the kernel
# allows root to, and notes it as a firmware workaround); the NIC that carries ssh stays on no known node
lab_ssh 'set -e
    for x in "0000:00:10.0 0 br0" "0000:00:11.0 3 br3"; do
        set -- $x
        echo "$2" > "/sys/bus/pci/devices/$1/numa_node"
        nic=$(ls "/sys/bus/pci/devices/$1"/virtio*/net)
        ip link show "$3" >/dev/null 2>&1 || ip link add "$3" type bridge
        ip link set "$nic" master "$3" up
        ip link set "$3" up
    done'

# 5. the page, installed from its Debian package built from this tree (make deb; before the first login: the bridge
# reads the list of pages when a session starts). The .deb stays in /root for the package test to reinstall it.
bash "$TOP/packaging/tools.sh"
deb=$(DIST_ALLOW_DIRTY=1 make -C "$TOP" --no-print-directory -s deb | tail -1)
lab_ssh 'cat > /root/cockpit-numa-placement.deb' < "$TOP/$deb"
lab_ssh 'rm -rf /usr/local/share/cockpit/numa-placement && dpkg -i /root/cockpit-numa-placement.deb >/dev/null'

# 6. demo guests: define the missing ones, then start those that should run, all at once (each takes ~9 s)
to_start=()
for f in "$NUMA_DIR"/guests/*.xml; do
    name=$(basename "$f" .xml)
    kind=$(sed -n 's/.*<!-- lab: \([a-z-]*\) -->.*/\1/p' "$f")
    if ! lab_ssh "virsh -q dominfo '$name'" >/dev/null 2>&1; then
        log "defining $name"
        lab_ssh "cat > /tmp/guest.xml && virsh -q define /tmp/guest.xml >/dev/null" < "$f"
    fi
    [ "$kind" = running ] && to_start+=("$name")
done
log "starting ${to_start[*]}"
# (idempotent: only guests not running are started. Under emulation the lab is slow while five guests start at
# once, and a clean CI run once lost the ssh session doing it, with no message: tried again, saying so)
for attempt in 1 2 3; do
    lab_ssh "for g in ${to_start[*]}; do [ \"\$(virsh -q domstate \$g)\" = running ] || virsh -q start \$g >/dev/null & done; wait
        for g in ${to_start[*]}; do [ \"\$(virsh -q domstate \$g)\" = running ] || { echo \"\$g did not start\" >&2; exit 1; }; done" && break
    rc=$?
    log "starting the guests failed (attempt $attempt, exit $rc)"
    [ "$attempt" = 3 ] && exit 1
    sleep 15
done

log "ready"
cat <<TXT
NUMA lab (the article's 4-node host, Debian $GENERATION): http://127.0.0.1:$COCKPIT_PORT/numa-placement
  logins: $ADMIN_USER / $LAB_PASSWORD (administrator, sudo)   $VIEWER_USER / $LAB_PASSWORD (limited access)
  ssh:    ssh -i $KEYS/id_ed25519 -p $SSH_PORT root@127.0.0.1
TXT
