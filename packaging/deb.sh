#!/usr/bin/env bash
# make deb: the Debian package from the release tarball (make dist), as a distribution would build it: the tarball
# as the .orig, packaging/debian as debian/, dpkg-buildpackage (source and binary), then lintian, which must be
# clean but for the tags explained in debian/source/lintian-overrides. Leaves the .deb in the top directory.
set -euo pipefail
source "$(dirname "$0")/common.sh"
tarball_needed deb
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || stat -c %Y "$tarball")}
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
cp "$tarball" "$build/cockpit-numa-placement_$version.orig.tar.xz"
tar -C "$build" -xf "$tarball"
src=$build/cockpit-numa-placement-$version
cp -r "$src/packaging/debian" "$src/debian"
rm "$src/debian/changelog.in"
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$(LC_ALL=C date -u -R -d "@$epoch")/" "$src/packaging/debian/changelog.in" > "$src/debian/changelog"
(cd "$src" && SOURCE_DATE_EPOCH=$epoch dpkg-buildpackage -us -uc --build=source,all > "$build/build.log" 2>&1) || { cat "$build/build.log" >&2; exit 1; }
# (lintian warns that it runs as root: CI builds as root)
rc=0
lintian --fail-on error,warning --display-info "$build"/*.changes > "$build/lintian.log" 2>&1 || rc=$?
grep -v "^running with root privileges" "$build/lintian.log" >&2 || true
[ "$rc" = 0 ] || { echo "deb: lintian failed" >&2; exit 1; }
cp "$build"/cockpit-numa-placement_"$version"-1_all.deb "$top/"
echo "cockpit-numa-placement_$version-1_all.deb"
