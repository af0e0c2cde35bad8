# numa-placement thread reader: prints the /proc snapshot that src/model/threads.ts parses (format v1).
# POSIX sh; per thread it uses shell builtins only. Run as: sh -c "$THIS" numa-placement-reader [RUNDIR...]
# Arguments are the libvirt run directories holding NAME.pid files (default /run/libvirt/qemu).
TAB=$(printf '\t')
# tests point this at a fake tree; on a host it is /proc
P=${NUMA_PLACEMENT_PROC:-/proc}
printf 'numa-placement-snapshot\t1\n'
[ $# -gt 0 ] || set -- /run/libvirt/qemu
seen=" "

cpus_of() { # FILE: sets $cpus from the Cpus_allowed_list line of a status file (builtins only, no fork)
    cpus=
    while IFS="$TAB" read -r key value; do
        [ "$key" = "Cpus_allowed_list:" ] && { cpus=$value; return 0; }
    done 2>/dev/null < "$1"
    return 1
}

emit_guest() { # PID NAME
    pid=$1 name=$2
    if [ ! -d "$P/$pid/task" ]; then
        printf 'S\t%s\t%s\n' "$name" "its process ended before the read"
        return
    fi
    printf 'G\t%s\t%s\n' "$pid" "$name"
    seen="$seen$pid "
    for t in "$P/$pid"/task/*; do
        tid=${t##*/}
        IFS= read -r comm 2>/dev/null < "$t/comm" || continue
        cpus_of "$t/status" || continue
        printf 'T\t%s\t%s\t%s\n' "$tid" "$cpus" "$comm"
    done
}

# 1. guests named by libvirt's pid files (root only)
unreadable=0
for dir in "$@"; do
    if [ -d "$dir" ] && [ ! -r "$dir" -o ! -x "$dir" ]; then
        printf 'E\t%s\n' "cannot read $dir (needs administrative access); guests were found by their command line instead"
        continue
    fi
    for f in "$dir"/*.pid; do
        [ -e "$f" ] || continue
        name=${f##*/}; name=${name%.pid}
        pid=
        if ! IFS= read -r pid 2>/dev/null < "$f" && [ -z "$pid" ]; then
            unreadable=$((unreadable + 1))
            continue
        fi
        case $pid in ''|*[!0-9]*) printf 'S\t%s\t%s\n' "$name" "its pid file holds no process id"; continue ;; esac
        # libvirt keeps other pid files there too (driver.pid is libvirtd's own): only QEMU processes are guests
        if IFS= read -r comm 2>/dev/null < "$P/$pid/comm"; then
            case $comm in qemu-*|kvm) ;; *) continue ;; esac
        fi
        emit_guest "$pid" "$name"
    done
done

[ "$unreadable" -gt 0 ] &&
    printf 'E\t%s\n' "cannot read libvirt's pid files (needs administrative access); guests were found by their command line instead"

# 2. QEMU processes not found that way: the guest's name is in its "-name guest=NAME,..." argument
#    (QEMU doubles a comma inside a value); 3. legacy vhost and kvm-pit kernel threads, outside any process
for p in "$P"/[0-9]*; do
    pid=${p##*/}
    IFS= read -r comm 2>/dev/null < "$p/comm" || continue
    case $comm in
        vhost-*|kvm-pit/*)
            cpus_of "$p/status" || continue
            printf 'K\t%s\t%s\t%s\n' "$pid" "$cpus" "$comm" ;;
        qemu-*|kvm)
            case $seen in *" $pid "*) continue ;; esac
            name=$(tr '\0' '\n' < "$p/cmdline" 2>/dev/null | sed -n '/^-name$/{n;s/^guest=//;s/,,/\x01/g;s/,.*//;s/\x01/,/g;p;q;}')
            [ -n "$name" ] && emit_guest "$pid" "$name" ;;
    esac
done
exit 0
