// libvirt capabilities XML (Connect.GetCapabilities) -> the host's NUMA nodes, CPUs and LLC groups.
// Format: https://libvirt.org/formatcaps.html — <host><topology><cells><cell id><memory unit/><distances>
// <sibling id value/></distances><cpus num><cpu id socket_id die_id cluster_id core_id siblings/></cpus></cell>,
// and <host><cache><bank id level type size unit cpus/></cache>. Offline CPUs are listed as <cpu id/> only.
import { CpusetError, cpumapToSet, cpusetMinus, cpusetOf, cpusetParse, type CpuSet, type CpusetProblem } from "./cpuset";
import { child, children, intAttr, kibOf, xmlParse } from "./xml";

export interface HostCpu {
    id: number;
    node: number;
    socket: number | null;
    die: number | null;
    cluster: number | null;
    core: number | null;
    /** SMT siblings including itself; [id] when unknown */
    siblings: number[];
    online: boolean;
    /** index into HostTopology.llcs, null when the host reports no cache banks for it */
    llc: number | null;
}

export interface NumaNode {
    id: number;
    cpus: number[];
    memoryKiB: number | null;
    /** node id -> distance */
    distances: Map<number, number>;
}

export interface LlcGroup {
    /** position in HostTopology.llcs; the page's name for it is "L3 #index" */
    index: number;
    bankId: number | null;
    level: number;
    sizeKiB: number | null;
    cpus: number[];
    nodes: number[];
}

export interface HostTopology {
    /** length of libvirt-dbus cpumaps: highest CPU id + 1 (or NodeGetCPUMap's length) */
    cpuCount: number;
    nodes: NumaNode[];
    cpus: Map<number, HostCpu>;
    online: number[];
    llcs: LlcGroup[];
    /** false when the capabilities list no cache banks: LLC groups then fall back to NUMA nodes */
    llcKnown: boolean;
}

/** The host as the page shows it: its topology (libvirt's capabilities) and each node's free memory (the kernel's). */
export interface HostRecord {
    topology: HostTopology;
    /** node id -> free memory in KiB, where the kernel tells (the thread reader's F records) */
    memoryFree: Map<number, number>;
}

/**
 * Reads the host topology. onlineMap is Connect.NodeGetCPUMap's answer (one boolean per CPU); without it,
 * a CPU is online when the capabilities give its topology (offline CPUs are listed by id only).
 */
export function topologyParse(capabilitiesXml: string, onlineMap?: readonly boolean[]): HostTopology {
    const root = xmlParse(capabilitiesXml, "capabilities", "capabilities");
    const host = child(root, "host");
    const cells = children(child(host, "topology", "cells"), "cell");
    const onlineFromMap = onlineMap ? new Set(cpumapToSet(onlineMap)) : null;

    const nodes: NumaNode[] = [];
    const cpus = new Map<number, HostCpu>();
    for (const cell of cells) {
        const nodeId = intAttr(cell, "id") ?? nodes.length;
        const distances = new Map<number, number>();
        for (const s of children(child(cell, "distances"), "sibling")) {
            const id = intAttr(s, "id"), value = intAttr(s, "value");
            if (id !== null && value !== null) distances.set(id, value);
        }
        const ids: number[] = [];
        for (const c of children(child(cell, "cpus"), "cpu")) {
            const id = intAttr(c, "id");
            if (id === null) continue;
            ids.push(id);
            const siblingsAttr = c.getAttribute("siblings");
            let siblings = [id];
            if (siblingsAttr) {
                try { siblings = cpusetParse(siblingsAttr) } catch { /* keep [id] */ }
            }
            cpus.set(id, {
                id, node: nodeId,
                socket: intAttr(c, "socket_id"), die: intAttr(c, "die_id"),
                cluster: intAttr(c, "cluster_id"), core: intAttr(c, "core_id"),
                siblings,
                online: onlineFromMap ? onlineFromMap.has(id) : siblingsAttr !== null,
                llc: null,
            });
        }
        nodes.push({ id: nodeId, cpus: cpusetOf(ids), memoryKiB: kibOf(child(cell, "memory")), distances });
    }
    // capabilities without a <topology> (some drivers): one node of the online CPUs
    if (nodes.length === 0 && onlineMap) {
        const ids = cpumapToSet(onlineMap);
        for (const id of ids)
            cpus.set(id, { id, node: 0, socket: null, die: null, cluster: null, core: null, siblings: [id], online: true, llc: null });
        nodes.push({ id: 0, cpus: ids, memoryKiB: null, distances: new Map() });
    }
    nodes.sort((a, b) => a.id - b.id);

    // last-level caches: the banks of the highest level present
    const banks = children(child(host, "cache"), "bank");
    const level = Math.max(0, ...banks.map(b => intAttr(b, "level") ?? 0));
    const llcs: LlcGroup[] = [];
    for (const bank of banks.filter(b => (intAttr(b, "level") ?? 0) === level && level > 0)) {
        let bankCpus: number[];
        try { bankCpus = cpusetParse(bank.getAttribute("cpus") ?? "") } catch { continue }
        // a unified cache can be listed once per type (data, instruction) on some hosts: keep one group
        if (llcs.some(g => g.cpus.join() === bankCpus.join())) continue;
        const index = llcs.length;
        for (const id of bankCpus) {
            const cpu = cpus.get(id);
            if (cpu) cpu.llc = index;
        }
        llcs.push({
            index, bankId: intAttr(bank, "id"), level, sizeKiB: kibOf(bank, "size"), cpus: bankCpus,
            nodes: cpusetOf(bankCpus.map(id => cpus.get(id)?.node).filter((n): n is number => n !== undefined)),
        });
    }

    const maxId = Math.max(-1, ...cpus.keys());
    const cpuCount = Math.max(onlineMap?.length ?? 0, maxId + 1);
    const online = [...cpus.values()].filter(c => c.online).map(c => c.id).sort((a, b) => a - b);
    return { cpuCount, nodes, cpus, online, llcs, llcKnown: llcs.length > 0 };
}

/** A CPU list an admin typed, for this host: parsed as libvirt reads it, and refused when a CPU is offline. */
export function topologyCpuList(host: HostTopology, text: string):
    { ok: true; cpus: number[] } | { ok: false; problem: CpusetProblem } | { ok: false; offline: number[] } {
    let cpus: number[];
    try {
        cpus = cpusetParse(text, host.cpuCount);
    } catch (e) {
        if (e instanceof CpusetError) return { ok: false, problem: e.problem };
        throw e;
    }
    const offline = cpusetMinus(cpus, host.online);
    return offline.length ? { ok: false, offline } : { ok: true, cpus };
}

/** The NUMA nodes that the given CPUs belong to. */
export function topologyNodesOf(host: HostTopology, set: CpuSet): number[] {
    return cpusetOf(set.map(id => host.cpus.get(id)?.node).filter((n): n is number => n !== undefined));
}

/** The LLC groups (indices) that the given CPUs belong to; empty when the host reports none. */
export function topologyLlcsOf(host: HostTopology, set: CpuSet): number[] {
    return cpusetOf(set.map(id => host.cpus.get(id)?.llc).filter((n): n is number => n !== null && n !== undefined));
}

/** Online CPUs of the given nodes. */
export function topologyCpusOfNodes(host: HostTopology, nodeIds: CpuSet): number[] {
    const want = new Set(nodeIds);
    return host.online.filter(id => want.has(host.cpus.get(id)!.node));
}

/** Online CPUs of the given LLC groups. */
export function topologyCpusOfLlcs(host: HostTopology, llcs: CpuSet): number[] {
    const want = new Set(llcs);
    return host.online.filter(id => { const l = host.cpus.get(id)!.llc; return l !== null && want.has(l) });
}

export function topologyIsSingleNode(host: HostTopology): boolean {
    return host.nodes.filter(n => n.cpus.length > 0).length <= 1;
}
