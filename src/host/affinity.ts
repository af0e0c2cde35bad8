// Moving threads that did not follow a live emulatorpin (e.g. a vhost kernel thread when libvirt has no
// cpuset controller): sched_setaffinity through taskset, for every thread in ONE spawn, as root (threads of
// qemu:///system guests) or as the user (their own qemu:///session guests).
// The CPU list and the thread ids travel as arguments; the script is a constant.
import { cpusetFormat } from "../model/cpuset";
import { hostSpawn } from "./spawn";

// A thread that exited meanwhile (QEMU's pool workers end when idle) is no failure: there is nothing left to move.
const MOVE = 'cpus=$1; shift; rc=0; for t in "$@"; do ' +
    'err=$(taskset -pc "$cpus" "$t" 2>&1 >/dev/null) || { [ -d "/proc/$t" ] && { printf "%s\\n" "$err" >&2; rc=1; }; }; ' +
    'done; exit $rc';

export async function threadsAffinitySet({ tids, cpus, asRoot }: { tids: number[]; cpus: number[]; asRoot: boolean }): Promise<void> {
    if (!tids.length) return;
    await hostSpawn(["/bin/sh", "-c", MOVE, "numa-placement-move", cpusetFormat(cpus), ...tids.map(String)],
                    asRoot ? { superuser: "require" } : {});
}
