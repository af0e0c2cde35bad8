# The session probe (src/host/session.ts): run as the logged-in user by sh -c, never as root. Prints one line:
# UID<TAB>NUMBER-OF-GUEST-XML-FILES<TAB>RUN-DIRECTORY of the user's qemu:///session libvirt.
cfg=${XDG_CONFIG_HOME:-${HOME:-/nonexistent}/.config}/libvirt/qemu
if [ -n "${XDG_RUNTIME_DIR:-}" ]; then run=$XDG_RUNTIME_DIR/libvirt/qemu/run
else run=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/libvirt/qemu/run; fi
n=0
for f in "$cfg"/*.xml "$run"/*.xml; do [ -e "$f" ] && n=$((n + 1)); done
printf '%s\t%s\t%s\n' "$(id -u)" "$n" "$run"
