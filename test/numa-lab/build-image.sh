#!/usr/bin/env bash
# Builds the NUMA lab's disk image (Debian $SUITE: 12 or 13, with systemd, libvirt, libvirt-dbus and Cockpit) into $CACHE.
# Runs as root on the Debian 12 host; about 70-100 s. The chroot gets its own minimal /dev: binding the host's
# /dev lets package scripts change the host's /dev/kvm group.
set -euo pipefail
source "$(dirname "$0")/common.sh"

command -v debootstrap >/dev/null ||
    flock /run/numa-placement-apt.lock sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap' >&2
mkdir -p "$CACHE"
[ -f "$KEYS/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C numa-lab -f "$KEYS/id_ed25519"

MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ROOT="$CACHE/rootfs"

cleanup() {
    for m in dev/pts proc sys; do mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"; done
    # what a package script may have done to the host's /dev/kvm all the same
    [ -c /dev/kvm ] && chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
    return 0
}
trap cleanup EXIT

rm -rf "$ROOT" "$CACHE/image.raw"
# (the image of the layout before generations lay in $KEYS itself)
rm -f "$KEYS/image.raw" "$KEYS/vmlinuz" "$KEYS/initrd.img" "$KEYS/recipe.sha256"
log "debootstrap $SUITE from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >&2
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mkdir -p "$ROOT/dev/pts" && mount -t devpts devpts "$ROOT/dev/pts"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"

log "installing packages"
mapfile -t PKGS < <(grep -v '^#' "$NUMA_DIR/packages.txt" | grep .)
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PKGS[@]}" >&2
chroot "$ROOT" apt-get clean

log "configuring"
echo numa-lab > "$ROOT/etc/hostname"
printf '127.0.1.1 numa-lab\n' >> "$ROOT/etc/hosts"
echo "/dev/vda / ext4 defaults 0 1" > "$ROOT/etc/fstab"
install -m 0644 "$NUMA_DIR/files/20-wired.network" "$ROOT/etc/systemd/network/20-wired.network"
install -m 0644 "$NUMA_DIR/files/10-lab-nics.network" "$ROOT/etc/systemd/network/10-lab-nics.network"
printf 'vhost_net\ntun\n' > "$ROOT/etc/modules-load.d/numa-lab.conf"
# nested guests idle in their BIOS: KVM's halt polling would spin every emulated CPU it sleeps on
install -m 0644 "$NUMA_DIR/files/kvm.conf" "$ROOT/etc/modprobe.d/numa-lab-kvm.conf"
install -m 0755 "$NUMA_DIR/files/numa-lab-cpus" "$ROOT/usr/local/sbin/numa-lab-cpus"
install -m 0644 "$NUMA_DIR/files/numa-lab-cpus.service" "$ROOT/etc/systemd/system/numa-lab-cpus.service"
mkdir -p "$ROOT/etc/systemd/system/libvirtd.service.d"
install -m 0644 "$NUMA_DIR/files/libvirtd-after-cpus.conf" "$ROOT/etc/systemd/system/libvirtd.service.d/after-cpus.conf"
chroot "$ROOT" systemctl enable systemd-networkd numa-lab-cpus.service ssh cockpit.socket >&2
chroot "$ROOT" systemctl disable libvirt-guests e2scrub_reap 2>/dev/null >&2 || true
rm -f "$ROOT/etc/libvirt/qemu/networks/autostart/default.xml"
mkdir -p "$ROOT/root/.ssh" && install -m 0600 "$KEYS/id_ed25519.pub" "$ROOT/root/.ssh/authorized_keys"
chroot "$ROOT" useradd -m -s /bin/bash -G sudo,libvirt,kvm "$ADMIN_USER"
chroot "$ROOT" useradd -m -s /bin/bash -G libvirt "$VIEWER_USER"
printf '%s:%s\n%s:%s\n' "$ADMIN_USER" "$LAB_PASSWORD" "$VIEWER_USER" "$LAB_PASSWORD" | chroot "$ROOT" chpasswd
install -D -m 0644 "$NUMA_DIR/files/cockpit.conf" "$ROOT/etc/cockpit/cockpit.conf"
chroot "$ROOT" /usr/lib/cockpit/cockpit-certificate-ensure >&2 || true
mkdir -p "$ROOT/usr/local/share/cockpit"
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/usr/sbin/policy-rc.d" "$ROOT/etc/resolv.conf"

log "copying the kernel and making the image"
cp "$(ls "$ROOT"/boot/vmlinuz-* | tail -1)" "$CACHE/vmlinuz"
cp "$(ls "$ROOT"/boot/initrd.img-* | tail -1)" "$CACHE/initrd.img"
for m in dev/pts proc sys; do mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"; done
truncate -s 6G "$CACHE/image.raw.new"
mkfs.ext4 -q -F -d "$ROOT" "$CACHE/image.raw.new"
mv "$CACHE/image.raw.new" "$CACHE/image.raw"
rm -rf "$ROOT"
recipe_hash > "$CACHE/recipe.sha256"
log "image ready: $CACHE/image.raw"
