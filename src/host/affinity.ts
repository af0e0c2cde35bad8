// Moving threads that did not follow a live emulatorpin (e.g. a vhost kernel thread when libvirt has no
// cpuset controller): sched_setaffinity through taskset, for every thread in ONE spawn, as root (threads of
// qemu:///system guests) or as the user (their own qemu:///session guests).
// The CPU list and the thread ids travel as arguments; the script is a constant.
import { cpusetFormat } from "../model/cpuset";
import MOVE from "./move-threads.sh";
import { hostSpawn } from "./spawn";

export async function threadsAffinitySet({ tids, cpus, asRoot }: { tids: number[]; cpus: number[]; asRoot: boolean }): Promise<void> {
    if (!tids.length) return;
    await hostSpawn(["/bin/sh", "-c", MOVE, "numa-placement-move", cpusetFormat(cpus), ...tids.map(String)],
                    asRoot ? { superuser: "require" } : {});
}
