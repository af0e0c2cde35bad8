# numa-placement thread reader: prints the /proc snapshot that src/model/threads.ts parses (format v1).
# POSIX sh; per thread it uses shell builtins only. Run as:
#   sh -c "$THIS" numa-placement-reader [-s SESSION_RUNDIR -u SESSION_UID] [RUNDIR...]
# RUNDIRs are qemu:///system's run directories holding NAME.pid files (default /run/libvirt/qemu);
# -s names the logged-in user's qemu:///session run directory and -u that user's uid (its QEMU processes run
# as that user, which tells them apart when they are found by their command line).
TAB=$(printf '\t')
# tests point this at a fake tree; on a host it is /proc
P=${NUMA_PLACEMENT_PROC:-/proc}
session_dir= session_uid=
while getopts s:u: opt; do
    case $opt in s) session_dir=$OPTARG ;; u) session_uid=$OPTARG ;; *) ;; esac
done
shift $((OPTIND - 1))
printf 'numa-placement-snapshot\t1\n'
[ $# -gt 0 ] || set -- /run/libvirt/qemu
seen=" "
conn=system

connection() { # CONN: the G and S records that follow belong to this libvirt connection
    [ "$conn" = "$1" ] && return
    conn=$1
    printf 'C\t%s\n' "$conn"
}

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
        printf 'S\t%s\t%s\n' "$name" ended
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

# 1. guests named by libvirt's pid files (qemu:///system's need administrative access)
unreadable=0
pidfiles_read() { # CONN DIR
    dir=$2
    if [ -d "$dir" ] && [ ! -r "$dir" -o ! -x "$dir" ]; then
        printf 'E\t%s\n' no-pid-access
        return
    fi
    for f in "$dir"/*.pid; do
        [ -e "$f" ] || continue
        name=${f##*/}; name=${name%.pid}
        pid=
        if ! IFS= read -r pid 2>/dev/null < "$f" && [ -z "$pid" ]; then
            unreadable=$((unreadable + 1))
            continue
        fi
        connection "$1"
        case $pid in ''|*[!0-9]*) printf 'S\t%s\t%s\n' "$name" no-pid; continue ;; esac
        # libvirt keeps other pid files there too (driver.pid is libvirtd's own): only QEMU processes are guests
        if IFS= read -r comm 2>/dev/null < "$P/$pid/comm"; then
            case $comm in qemu-*|kvm) ;; *) continue ;; esac
        fi
        emit_guest "$pid" "$name"
    done
}
# libvirt writes a pid file for every system guest: only when they cannot all be read are the QEMU processes
# without one taken for system guests (else they are someone else's, e.g. another user's session guests)
system_fallback=0
for dir in "$@"; do
    [ -d "$dir" ] && [ -r "$dir" ] && [ -x "$dir" ] || system_fallback=1
    pidfiles_read system "$dir"
done
[ "$unreadable" -gt 0 ] && system_fallback=1
[ -n "$session_dir" ] && pidfiles_read session "$session_dir"

[ "$unreadable" -gt 0 ] &&
    printf 'E\t%s\n' no-pid-access

uid_of() { # STATUSFILE: sets $uid (the real uid) from its Uid line
    uid=
    while IFS="$TAB" read -r key value rest; do
        [ "$key" = "Uid:" ] && { uid=$value; return 0; }
    done 2>/dev/null < "$1"
    return 1
}

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
            [ -n "$name" ] || continue
            if [ -n "$session_uid" ] && uid_of "$p/status" && [ "$uid" = "$session_uid" ]; then
                connection session
            elif [ "$system_fallback" = 1 ]; then
                connection system
            else
                continue
            fi
            emit_guest "$pid" "$name" ;;
    esac
done
exit 0
