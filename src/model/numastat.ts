// The kernel's page allocation counters per node (numastat), as rates over the reads the page made while open:
// how many pages per second each node handed out as intended (numa_hit), handed out although they were meant for
// another node (numa_miss), could not hand out so another node did (numa_foreign), and handed out to a process
// running on another node (other_node). They count allocations, not memory accesses.
import type { NodeCounters, Snapshot } from "./threads";

export type CounterKey = keyof NodeCounters;
export const COUNTER_KEYS: readonly CounterKey[] = ["hit", "miss", "foreign", "other"];

export interface CounterSample {
    /** seconds since boot */
    uptime: number;
    nodes: Map<number, NodeCounters>;
}

/** how many samples the page keeps: one every few seconds, about ten minutes */
export const COUNTER_SAMPLES = 200;

/** The counters of a read, when it has them and its clock. */
export const counterSample = (snap: Snapshot): CounterSample | null =>
    snap.numastat && snap.clock ? { uptime: snap.clock.uptime, nodes: snap.numastat } : null;

export interface NodeRates {
    node: number;
    /** pages per second between successive samples, oldest first */
    rates: Record<CounterKey, number[]>;
    /** the counters of the latest sample */
    last: NodeCounters;
}

/** Each node's rates between successive samples (a pair whose clock did not advance, or whose counter fell, is left out). */
export function counterRates(samples: readonly CounterSample[]): { seconds: number; nodes: NodeRates[] } {
    const latest = samples[samples.length - 1];
    if (!latest) return { seconds: 0, nodes: [] };
    const nodes = [...latest.nodes.keys()].sort((a, b) => a - b).map(node => {
        const rates: Record<CounterKey, number[]> = { hit: [], miss: [], foreign: [], other: [] };
        for (let i = 1; i < samples.length; i++) {
            const a = samples[i - 1]!, b = samples[i]!;
            const x = a.nodes.get(node), y = b.nodes.get(node);
            const dt = b.uptime - a.uptime;
            if (!x || !y || dt <= 0) continue;
            for (const k of COUNTER_KEYS) if (y[k] >= x[k]) rates[k].push((y[k] - x[k]) / dt);
        }
        return { node, rates, last: latest.nodes.get(node)! };
    });
    return { seconds: latest.uptime - samples[0]!.uptime, nodes };
}
