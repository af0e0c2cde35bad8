// Moving a guest's memory between NUMA nodes: migrate_pages(2) through numactl's migratepages, in one spawn, as root
// (qemu:///system guests) or as the user (their own qemu:///session guests). The process id and the node lists
// travel as arguments. migratepages succeeds even when the kernel could not move some pages: the change engine
// reads the memory again and reports what stayed.
import { cpusetFormat } from "../model/cpuset";
import { hostSpawn } from "./spawn";

/** moving a large guest's memory takes a while (the NUMA lab, emulated: about 10 s per 256 MiB) */
export const MEMORY_MOVE_TIMEOUT_MS = 600000;

export class MemoryMoveError extends Error {}

export async function memoryMigrate({ pid, from, to, asRoot }: { pid: number; from: number[]; to: number[]; asRoot: boolean }): Promise<void> {
    try {
        await hostSpawn(["migratepages", String(pid), cpusetFormat(from), cpusetFormat(to)], asRoot ? { superuser: "require" } : {}, MEMORY_MOVE_TIMEOUT_MS);
    } catch (e) {
        const err = e as cockpit.BasicError;
        if (err.problem === "not-found") throw new MemoryMoveError(cockpit.gettext("migratepages is not installed on the host (package numactl)."));
        throw new MemoryMoveError(err.message || String(e));
    }
}
