#!/usr/bin/env bash
# make dist: cockpit-numa-placement-VERSION.tar.xz, the sources of HEAD (git archive) with the built page (dist/)
# and the RPM spec, so that building a package needs no npm and no network. Reproducible: every file's time is
# the commit's (SOURCE_DATE_EPOCH, from git unless set), owners and modes are fixed, names sorted, xz on one thread.
set -euo pipefail
source "$(dirname "$0")/common.sh"
name=cockpit-numa-placement-$version
[ -f dist/index.js ] || { echo "dist: the page is not built (make)" >&2; exit 1; }
# the built page must come from the sources the tarball holds
if [ -n "$(git status --porcelain -- src po manifest.json build.js package.json package-lock.json)" ] && [ "${DIST_ALLOW_DIRTY:-0}" != 1 ]; then
    echo "dist: src/, po/ or the build files differ from HEAD: commit them first (or DIST_ALLOW_DIRTY=1)" >&2
    exit 1
fi
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive --format=tar --prefix="$name/" HEAD | tar -C "$tmp" -xf -
cp -r dist "$tmp/$name/dist"
sed "s/@VERSION@/$version/g" packaging/cockpit-numa-placement.spec.in > "$tmp/$name/cockpit-numa-placement.spec"
tar -C "$tmp" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' \
    --format=gnu -cf - "$name" | xz -T1 -6 > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball"
