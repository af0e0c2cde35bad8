// The order in which a guest's vCPUs take a node's free CPUs (place.ts): all in one last-level cache when one has
// room (the smallest that does), whole SMT cores to sibling vCPUs when the guest has threads=2 or more, else one
// thread of each core before the second threads.
import { cpusetOf } from "./cpuset";
import type { HostTopology } from "./topology";

/** CPUs of a node in the order vCPUs take them: the best-fitting LLC first, whole cores or one thread per core. */
export function cpuOrder(host: HostTopology, cpus: number[], count: number, threadsPerCore: number): number[] {
    const byLlc = new Map<number, number[]>();
    for (const c of cpus) {
        const l = host.cpus.get(c)?.llc ?? -1;
        byLlc.set(l, [...byLlc.get(l) ?? [], c]);
    }
    // one LLC that holds them all, the smallest such (best fit); else the LLCs with most free CPUs first
    const groups = [...byLlc.entries()].sort((a, b) => a[1].length - b[1].length || a[0] - b[0]);
    const fit = groups.find(g => g[1].length >= count);
    const ordered = fit ? [fit, ...groups.filter(g => g !== fit)] : groups.sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
    const out: number[] = [];
    for (const [, list] of ordered) {
        const free = new Set(list);
        const cores = new Map<number, number[]>();
        for (const c of list) {
            const sib = (host.cpus.get(c)?.siblings ?? [c]).filter(s => free.has(s));
            const key = Math.min(...sib, c);
            cores.set(key, cpusetOf([...cores.get(key) ?? [], c]));
        }
        const coreList = [...cores.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
        if (threadsPerCore >= 2) {
            // whole free cores first, so that sibling vCPUs get sibling CPUs; then single threads
            out.push(...coreList.filter(c => c.length >= threadsPerCore).flat(), ...coreList.filter(c => c.length < threadsPerCore).flat());
        } else {
            // one thread of each core first, then the second threads
            const depth = Math.max(0, ...coreList.map(c => c.length));
            for (let i = 0; i < depth; i++) out.push(...coreList.flatMap(c => c[i] !== undefined ? [c[i]!] : []));
        }
    }
    return out;
}
