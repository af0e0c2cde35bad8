#!/usr/bin/env bash
# make check-packages (and make check): the release tarball is reproducible (the page built twice from the same
# commit, the tarball made twice: the same sha256), holds the built page and no npm modules, and the Debian and RPM
# packages build from it, lintian and rpmlint clean but for the explained overrides. Prints one line per check
# and "packages: N passed, N failed" last.
set -uo pipefail
source "$(dirname "$0")/common.sh"
bash packaging/tools.sh || { echo "packages: 0 passed, 1 failed (the packaging tools did not install)"; exit 1; }
passed=0 failed=0
check() { # NAME COMMAND...
    local name=$1; shift
    if "$@"; then echo "ok: $name"; passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
reproducible() {
    local a b
    node build.js >/dev/null 2>&1 && bash packaging/dist.sh >/dev/null || return 1
    a=$(sha256sum "$tarball" | cut -d' ' -f1)
    rm -rf dist "$tarball"
    node build.js >/dev/null 2>&1 && bash packaging/dist.sh >/dev/null || return 1
    b=$(sha256sum "$tarball" | cut -d' ' -f1)
    echo "  $tarball: $a, built again: $b"
    [ "$a" = "$b" ]
}
contents() {
    local list
    list=$(tar -tJf "$tarball") || return 1
    for f in dist/index.js dist/manifest.json cockpit-numa-placement.spec packaging/debian/control Makefile; do
        grep -qx "cockpit-numa-placement-$version/$f" <<< "$list" || { echo "  missing: $f"; return 1; }
    done
    ! grep -q "/node_modules/" <<< "$list" || { echo "  holds node_modules"; return 1; }
}
deb_page() { # the .deb installs the page where Cockpit looks, with its metainfo, and depends as it should
    local deb=cockpit-numa-placement_${version}-1_all.deb files
    bash packaging/deb.sh || return 1
    files=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
    grep -qx ./usr/share/cockpit/numa-placement/manifest.json <<< "$files" &&
        grep -qx ./usr/share/cockpit/numa-placement/index.js.gz <<< "$files" &&
        grep -qx ./usr/share/metainfo/org.cockpit_project.numa_placement.metainfo.xml <<< "$files" || { echo "  the .deb lacks a file:"; echo "$files"; return 1; }
    grep -q 'cockpit-bridge (>= 266), libvirt-dbus (>= 1.4.0)' <<< "$(dpkg-deb -f "$deb" Depends)" &&
        [ "$(dpkg-deb -f "$deb" Architecture)" = all ] || { echo "  the .deb's Depends or Architecture is wrong"; return 1; }
}
rpm_page() { # each step says what failed (CI once printed only FAILED here and it did not fail again)
    local rpm=cockpit-numa-placement-${version}-1.noarch.rpm files requires
    bash packaging/rpm.sh || { echo "  make rpm failed"; return 1; }
    files=$(rpm -qlp "$rpm") || { echo "  rpm -qlp $rpm failed"; return 1; }
    grep -qx /usr/share/cockpit/numa-placement/manifest.json <<< "$files" || { echo "  the RPM has no manifest.json:"; echo "$files"; return 1; }
    requires=$(rpm -qRp "$rpm") || { echo "  rpm -qRp $rpm failed"; return 1; }
    grep -qx 'libvirt-dbus >= 1.4.0' <<< "$requires" || { echo "  the RPM does not require libvirt-dbus >= 1.4.0:"; echo "$requires"; return 1; }
}
check "the release tarball is reproducible" reproducible
check "the release tarball holds the built page, the spec and no npm modules" contents
check "make deb: built from the tarball, lintian clean" deb_page
check "make rpm: built from the tarball, metainfo valid, rpmlint clean" rpm_page
echo "packages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
