# Sourced by packaging/*.sh: the top directory (the current one after sourcing), the version (package.json's), and
# the release tarball's name; tarball_needed stops a package build that has no tarball to build from.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=$PWD
version=$(sed -n 's/^  "version": "\([^"]*\)",$/\1/p' package.json)
tarball=cockpit-numa-placement-$version.tar.xz
tarball_needed() { # WHO
    [ -f "$tarball" ] || { echo "$1: $tarball is missing (make dist)" >&2; exit 1; }
}
