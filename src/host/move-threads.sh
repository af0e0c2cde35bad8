# Moves threads (src/host/affinity.ts): sh -c SCRIPT NAME CPUS TID..., as root or as the user. The CPU list and
# the thread ids are arguments; nothing is put into the script. A thread that exited meanwhile (QEMU's pool
# workers end when idle) is no failure: there is nothing left to move.
cpus=$1; shift
rc=0
for t in "$@"; do
    err=$(taskset -pc "$cpus" "$t" 2>&1 >/dev/null) || {
        [ -d "/proc/$t" ] && { printf '%s\n' "$err" >&2; rc=1; }
    }
done
exit $rc
