# numa-placement thread reader: prints the /proc snapshot that src/model/threads.ts parses (format v1).
# POSIX sh; one grep per guest, and per thread shell builtins only. Run, inside the function src/host/script.ts
# wraps it and devices-reader.sh in, as:
#   sh -c "$SCRIPT" numa-placement-reader [-m] [-d [-p PCI]...] [-s SESSION_RUNDIR -u SESSION_UID] [RUNDIR...]
# RUNDIRs are qemu:///system's run directories holding NAME.pid files (default /run/libvirt/qemu);
# -s names the logged-in user's qemu:///session run directory and -u that user's uid (its QEMU processes run
# as that user, which tells them apart when they are found by their command line). With no RUNDIR and -s, only
# the session is read: the page runs it that way as the user, never as root (src/host/threads.ts). With -m, each
# guest's resident memory per NUMA node follows its threads (from its memory cgroup's memory.numa_stat where libvirt
# gave it one, else from /proc/PID/numa_maps; one awk per guest); -M reads numa_maps only (for the benchmark).
# Each thread's CPU time and last CPU follow it (R), with the clock they are counted against (U, once), and each
# node's allocation counters (N), free memory (F) and huge pages of each size, reserved and free (H). With -d, the host's network
# interfaces and the PCI devices named with -p, from devices-reader.sh (bundled before this text).
#
# It may run as root, so it trusts nothing a user can write: records are lines, and no name that could hold a
# newline is ever printed (a pid file whose name has one is skipped; a thread name is read up to its first
# newline); every name is the last field of its record (a tab in it cannot shift the others); only regular
# files are read as pid files (no FIFO that would block, no symlink); a "vhost-PID" or "kvm-pit/PID" outside a
# process counts only when it is a kernel thread (PF_KTHREAD); a QEMU process found by its command line counts
# only when its owner is the connection's (the session's user; root or the system's QEMU user).
TAB=$(printf '\t')
# tests point these at a fake tree; on a host they are /proc and /sys
P=${NUMA_PLACEMENT_PROC:-/proc}
SYS=${NUMA_PLACEMENT_SYS:-/sys}
session_dir= session_uid= memory=0 numa_maps_only=0 devices=0 pcis=
while getopts mMdp:s:u: opt; do
    case $opt in
        m) memory=1 ;; M) memory=1 numa_maps_only=1 ;; d) devices=1 ;; s) session_dir=$OPTARG ;; u) session_uid=$OPTARG ;;
        p) case $OPTARG in *[!0-9a-f:.]*) ;; *) pcis="$pcis $OPTARG" ;; esac ;;
        *) ;;
    esac
done
shift $((OPTIND - 1))
printf 'numa-placement-snapshot\t1\n'
# the page size, KiB, for cgroup v1 counts in pages: asked for once, when first needed
page_kib=
# the clock of the CPU times that follow: seconds since boot, and the clock ticks per second of /proc's times
# (USER_HZ, 100 on Linux whatever the kernel's own HZ: no getconf, a fork on every read)
if IFS=' ' read -r uptime rest 2>/dev/null < "$P/uptime"; then
    case $uptime in ''|*[!0-9.]*) ;; *) printf 'U\t%s\t100\n' "$uptime" ;; esac
fi
# each node's page allocation counters (N), free memory (F) and huge pages (H), builtins only; a file that is
# missing or not the kernel's leaves its record out, and the node's other records stand
for d in "$SYS"/devices/system/node/node[0-9]*; do
    node=${d##*/node}
    case $node in ''|*[!0-9]*) continue ;; esac
    # the allocation counters, from numastat ("numa_hit 155966376", a key and a count per line)
    hit= miss= foreign= other=
    while read -r key value; do
        case $key in numa_hit) hit=$value ;; numa_miss) miss=$value ;; numa_foreign) foreign=$value ;; other_node) other=$value ;; esac
    done 2>/dev/null < "$d/numastat"
    case $hit$miss$foreign$other in
        ''|*[!0-9]*) ;;
        *) [ -n "$hit" ] && [ -n "$miss" ] && [ -n "$foreign" ] && [ -n "$other" ] &&
               printf 'N\t%s\t%s\t%s\t%s\t%s\n' "$node" "$hit" "$miss" "$foreign" "$other" ;;
    esac
    # free memory, KiB, from meminfo ("Node 0 MemFree: 22750604 kB"): what libvirt's NodeGetMemoryStats gives,
    # read here because Cockpit 287's bridge keeps about 1 KiB of every reply of that call
    free=
    while read -r word id key value rest; do
        [ "$key" = MemFree: ] && { free=$value; break; }
    done 2>/dev/null < "$d/meminfo"
    case $free in ''|*[!0-9]*) ;; *) printf 'F\t%s\t%s\n' "$node" "$free" ;; esac
    # the huge pages of each size: how many the kernel reserved and how many are free
    for h in "$d"/hugepages/hugepages-[0-9]*kB; do
        size=${h##*/hugepages-}; size=${size%kB}
        case $size in ''|*[!0-9]*) continue ;; esac
        total= free=
        read -r total 2>/dev/null < "$h/nr_hugepages"
        read -r free 2>/dev/null < "$h/free_hugepages"
        case $total in ''|*[!0-9]*) continue ;; esac
        case $free in ''|*[!0-9]*) continue ;; esac
        printf 'H\t%s\t%s\t%s\t%s\n' "$node" "$size" "$total" "$free"
    done
done
# the network interfaces and the PCI devices asked for (-d; the PCI addresses hold no blank or pattern character)
[ "$devices" = 1 ] && devices_read $pcis
[ $# -gt 0 ] || [ -n "$session_dir" ] || set -- /run/libvirt/qemu
NL='
'
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

run_of() { # STAT: prints an R record for the thread just printed from its /proc stat line: its CPU time (utime +
    # stime, clock ticks) and the CPU it last ran on (fields 14, 15 and 39; builtins only, no fork)
    # the name in parentheses may hold spaces and parentheses: the fields that follow come after the last ") "
    set -f
    set -- ${1##*) }
    set +f
    [ $# -ge 37 ] || return 0
    case ${12}${13}${37} in ''|*[!0-9]*) return 0 ;; esac
    printf 'R\t%s\t%s\n' $((${12} + ${13})) "${37}"
}

emit_guest() { # PID NAME
    pid=$1 name=$2
    if [ ! -d "$P/$pid/task" ]; then
        printf 'S\t%s\t%s\n' ended "$name"
        return
    fi
    printf 'G\t%s\t%s\n' "$pid" "$name"
    seen="$seen$pid "
    # one grep for every thread's CPUs (the Cpus_allowed_list line of its status), its stat line and the process's
    # huge pages: sh's read takes a file byte by byte, which done for each thread was most of a read's time. A line
    # is the kernel's own where it is taken: a status line starts with its key (the kernel escapes a newline in the
    # Name line), a stat file's first line with the thread's id (a newline in its name would start another line:
    # only the first line of each stat file counts)
    task=$P/$pid/task/
    # each thread's status and stat in turn, so that its lines come together
    set --
    for t in "$task"*; do set -- "$@" "$t/status" "$t/stat"; done
    lines=$(grep -H -e '^Cpus_allowed_list:' -e '^[0-9]' -e '^HugetlbPages:' "$@" "$P/$pid/status" 2>/dev/null)
    cur= hugetlb=
    set -f; old_ifs=$IFS; IFS=$NL
    for line in $lines; do
        IFS=$old_ifs
        case $line in
            "$task"*/status:Cpus_allowed_list:*)
                cur= tid=${line#"$task"}; tid=${tid%%/*}
                case $tid in ''|*[!0-9]*) continue ;; esac
                IFS= read -r comm 2>/dev/null < "$task$tid/comm" || continue
                printf 'T\t%s\t%s\t%s\n' "$tid" "${line##*"$TAB"}" "$comm"
                cur=$tid ;;
            "$task$cur/stat:$cur ("*)
                run_of "${line#"$task$cur/stat:"}"
                cur= ;;
            "$P/$pid/status:HugetlbPages:"*)
                hugetlb=${line#*:HugetlbPages:}; hugetlb=${hugetlb#"${hugetlb%%[! $TAB]*}"}; hugetlb=${hugetlb%%[ $TAB]*} ;;
        esac
    done
    IFS=$old_ifs; set +f
    [ "$memory" = 1 ] && memory_of "$pid"
}

memory_of() { # PID: an M record per node, KiB of the guest's own memory there (-m): from its memory cgroup where
    # libvirt gave it one (cheap: counters the kernel keeps), else from its numa_maps (walks the address space)
    [ "$numa_maps_only" != 1 ] && memory_cgroup "$1" &&
    { [ -n "$page_kib" ] || { page_kib=$(getconf PAGESIZE 2>/dev/null) && page_kib=$((page_kib / 1024)); } || page_kib=4; } &&
    awk -v pk="$page_kib" '
        # cgroup v2: bytes of anonymous and shared (memfd) memory; v1: pages of anonymous memory, shared included
        ($1 == "anon" || $1 == "shmem") { for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=[0-9]+$/) { split(substr($i, 2), a, "="); v2[a[1] + 0] += a[2] / 1024; two = 1 } }
        $1 ~ /^hierarchical_anon=/ { for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=[0-9]+$/) { split(substr($i, 2), a, "="); v1[a[1] + 0] += a[2] * pk; one = 1 } }
        END { if (two) for (n in v2) printf "M\t%d\t%.0f\n", n, v2[n]; else if (one) for (n in v1) printf "M\t%d\t%.0f\n", n, v1[n]; else exit 1 }' \
        "$numa_stat" 2>/dev/null && return 0
    numa_maps_of "$1"
}

memory_cgroup() { # PID: sets $numa_stat to the memory.numa_stat of the guest's own cgroup: libvirt's machine cgroup
    # of a system guest (a session guest's cgroup is the user's whole session: never that); false for a guest
    # backed by huge pages, which the memory cgroup does not count
    numa_stat=
    [ -r "$P/$1/cgroup" ] || return 1
    v2=
    while IFS=: read -r id controllers path; do
        case $path in *machine*qemu*) ;; *) continue ;; esac
        case $path in *..*) continue ;; esac
        path=${path%/emulator}; path=${path%/libvirt}
        case ,$controllers, in
            *,memory,*) numa_stat=$SYS/fs/cgroup/memory$path/memory.numa_stat ;;
            ,,) v2=$SYS/fs/cgroup$path/memory.numa_stat ;;
        esac
    done 2>/dev/null < "$P/$1/cgroup"
    [ -f "$numa_stat" ] || numa_stat=$v2
    [ -f "$numa_stat" ] || return 1
    # huge pages in use (the HugetlbPages line of its status, read with its threads): not in the cgroup's count
    [ -z "$hugetlb" ] || [ "$hugetlb" = 0 ]
}

numa_maps_of() { # PID: the M records from numa_maps: anonymous memory (guest RAM and QEMU's heap), huge pages and
    # memfd or /dev/shm backed RAM, each mapping's N<node>=<pages> times its page size. Files mapped from disk
    # (QEMU and its libraries, shared with every process) are not the guest's. The kernel escapes blanks, newlines
    # and '=' in the file names of numa_maps, so the fields matched are its own.
    [ -r "$P/$1/numa_maps" ] || return 0
    awk '$0 ~ / anon=/ || $0 ~ / huge( |$)/ || $0 ~ / file=\/(memfd:|dev\/shm\/)/ {
           k = 4
           for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=[0-9]+$/) k = substr($i, 19) + 0
           for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=[0-9]+$/) { split(substr($i, 2), a, "="); m[a[1] + 0] += a[2] * k } }
         END { for (n in m) printf "M\t%d\t%.0f\n", n, m[n] }' "$P/$1/numa_maps" 2>/dev/null
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
        # regular files only: a FIFO would block the read, a symlink could point anywhere
        [ -h "$f" ] && continue
        [ -f "$f" ] || continue
        name=${f##*/}; name=${name%.pid}
        # libvirt never names a guest with a newline: such a file is not libvirt's
        case $name in *"$NL"*) continue ;; esac
        pid=
        if ! IFS= read -r pid 2>/dev/null < "$f" && [ -z "$pid" ]; then
            unreadable=$((unreadable + 1))
            continue
        fi
        connection "$1"
        case $pid in ''|*[!0-9]*) printf 'S\t%s\t%s\n' no-pid "$name"; continue ;; esac
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

kthread() { # STATFILE: true when the process is a kernel thread (PF_KTHREAD in the flags of /proc/PID/stat)
    IFS= read -r stat 2>/dev/null < "$1" || return 1
    # the name in parentheses may hold spaces and parentheses: the fields that follow come after the last ") "
    set -- ${stat##*) }
    [ $# -ge 7 ] || return 1
    case $7 in ''|*[!0-9]*) return 1 ;; esac
    [ $(( $7 & 2097152 )) -ne 0 ]
}

# the users system guests run as when they are found by their command line: root and libvirt's QEMU user
# (tests give the list in NUMA_PLACEMENT_SYSTEM_UIDS, as they give /proc in NUMA_PLACEMENT_PROC)
system_uids=${NUMA_PLACEMENT_SYSTEM_UIDS:+ $NUMA_PLACEMENT_SYSTEM_UIDS }
system_uid() { # UID: true when it may own a qemu:///system guest
    if [ -z "$system_uids" ]; then
        system_uids=" 0 "
        for u in libvirt-qemu qemu; do
            entry=$(getent passwd "$u" 2>/dev/null) || continue
            rest=${entry#*:*:}; system_uids="$system_uids${rest%%:*} "
        done
    fi
    case $system_uids in *" $1 "*) return 0 ;; esac
    return 1
}

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
            # a user may name a process so (prctl): only a kernel thread is a guest's kernel worker
            kthread "$p/stat" || continue
            cpus_of "$p/status" || continue
            printf 'K\t%s\t%s\t%s\n' "$pid" "$cpus" "$comm"
            run_of "$stat" ;; # the stat line kthread read
        qemu-*|kvm)
            case $seen in *" $pid "*) continue ;; esac
            name=$(tr '\0' '\n' < "$p/cmdline" 2>/dev/null | sed -n '/^-name$/{n;s/^guest=//;s/,,/\x01/g;s/,.*//;s/\x01/,/g;p;q;}')
            [ -n "$name" ] || continue
            uid_of "$p/status" || continue
            if [ -n "$session_uid" ] && [ "$uid" = "$session_uid" ]; then
                connection session
            elif [ "$system_fallback" = 1 ] && system_uid "$uid"; then
                connection system
            else
                continue
            fi
            emit_guest "$pid" "$name" ;;
    esac
done
# done, whatever the last test said (it runs inside a function, src/host/script.ts: no exit)
true
