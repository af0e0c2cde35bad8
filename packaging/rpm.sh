#!/usr/bin/env bash
# make rpm: the RPM from the release tarball (make dist) with rpmbuild (Debian's rpm package), then rpmlint, which
# must be clean but for what packaging/rpmlintrc explains. The build dependencies are Fedora's and RHEL's names,
# which Debian's empty rpm database cannot hold: rpmbuild runs with --nodeps; %check needs appstream-util.
set -euo pipefail
source "$(dirname "$0")/common.sh"
tarball_needed rpm
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/SOURCES"
cp "$tarball" "$build/SOURCES/"
tar -C "$build" -xf "$tarball" "cockpit-numa-placement-$version/cockpit-numa-placement.spec"
rpmbuild -ba --nodeps --quiet --define "_topdir $build" "$build/cockpit-numa-placement-$version/cockpit-numa-placement.spec"
rpm=$(find "$build/RPMS" -name '*.rpm')
rpmlint -r packaging/rpmlintrc "$build/cockpit-numa-placement-$version/cockpit-numa-placement.spec" "$rpm" "$build"/SRPMS/*.rpm
cp "$rpm" "$top/"
basename "$rpm"
