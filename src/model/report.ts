// The whole picture as one plain object for "Download report": the host's nodes and caches, and every guest with
// its configured and actual placement, threads, memory, devices and verdict with reasons. Versioned; the JSON
// Schema in doc/report.schema.json describes it (and the tests validate against it). CPU lists are in libvirt's
// syntax ("1,3,5-7"); memory in KiB. Names and values are data: nothing here is escaped or interpreted.
import { cpusetFormat } from "./cpuset";
import type { GuestConfig } from "./guest";
import type { GuestIoPaths } from "./iopath";
import type { Finding, GroupPlacement, GuestPlacement, VerdictKind } from "./placement";
import type { Connection, GuestThread } from "./threads";
import type { HostTopology } from "./topology";

/** raised when the report's form changes in a way a reader of version 1 would misread */
export const REPORT_VERSION = 1;

export interface ReportGuestInput {
    name: string;
    uuid: string;
    connection: Connection;
    state: string;
    persistent: boolean;
    config: GuestConfig;
    saved: GuestConfig | null;
    placement: GuestPlacement;
    threads: GuestThread[] | null;
    io: GuestIoPaths;
}

export interface ReportInput {
    tool: { name: string; version: string };
    /** when the page read what the report holds (ISO 8601) */
    generated: string;
    policy: string;
    host: HostTopology;
    memoryFree: Map<number, number>;
    guests: ReportGuestInput[];
    /** the page's words for a verdict and for a finding's reason */
    verdictText: (kind: VerdictKind) => string;
    findingText: (finding: Finding) => string;
}

const group = (g: GroupPlacement) => ({ cpus: cpusetFormat(g.cpus), nodes: g.nodes, llcs: g.llcs, source: g.source });
const pins = (m: Map<number, number[]>) => [...m].sort((a, b) => a[0] - b[0]).map(([id, cpus]) => ({ id, cpus: cpusetFormat(cpus) }));

function configured(c: GuestConfig) {
    return {
        vcpus: c.vcpuCurrent,
        vcpuCpuset: c.vcpuCpuset ? cpusetFormat(c.vcpuCpuset) : null,
        vcpupins: pins(c.vcpupins),
        emulatorpin: c.emulatorpin ? cpusetFormat(c.emulatorpin) : null,
        iothreadpins: pins(c.iothreadpins),
        numatune: c.numatune ? { mode: c.numatune.mode, nodeset: c.numatune.nodeset, placement: c.numatune.placement, memnodes: c.numatune.memnodes } : null,
        memoryKiB: c.memoryKiB,
        hugepageKiB: c.hugepages ? c.hugepageKiB : null,
    };
}

/** a finding as data: its kind, the page's sentence, and its fields (threads reduced to what identifies them) */
function finding(f: Finding, text: (f: Finding) => string) {
    const { kind, ...rest } = f;
    const data = kind === "drift"
        ? { threads: f.threads.map(d => ({ tid: d.thread.tid, name: d.thread.comm, cpus: cpusetFormat(d.thread.cpus), expected: cpusetFormat(d.expected) })) }
        : rest;
    return { kind, text: text(f), data };
}

export function reportBuild(input: ReportInput) {
    const { host } = input;
    return {
        version: REPORT_VERSION,
        tool: input.tool,
        generated: input.generated,
        policy: input.policy,
        host: {
            online: cpusetFormat(host.online),
            nodes: host.nodes.map(n => ({
                id: n.id, cpus: cpusetFormat(n.cpus), memoryKiB: n.memoryKiB, freeKiB: input.memoryFree.get(n.id) ?? null,
                distances: [...n.distances].sort((a, b) => a[0] - b[0]).map(([node, distance]) => ({ node, distance })),
            })),
            llcs: host.llcKnown ? host.llcs.map(l => ({ index: l.index, level: l.level, sizeKiB: l.sizeKiB, cpus: cpusetFormat(l.cpus), nodes: l.nodes })) : null,
        },
        guests: input.guests.map(g => {
            const p = g.placement;
            return {
                name: g.name, uuid: g.uuid, connection: g.connection, state: g.state, persistent: g.persistent,
                configured: { live: g.state === "running" || g.state === "paused" ? configured(g.config) : null, saved: g.saved ? configured(g.saved) : null },
                actual: {
                    vcpus: group(p.vcpus), vcpusPinned: p.vcpusPinned, emulator: group(p.emulator),
                    iothreads: [...p.iothreads].sort((a, b) => a[0] - b[0]).map(([id, t]) => ({ id, ...group(t) })),
                    kernelWorkers: p.kernel ? group(p.kernel) : null,
                },
                threads: g.threads?.map(t => ({ tid: t.tid, name: t.comm, role: t.role.kind, cpus: cpusetFormat(t.cpus), lastCpu: t.lastCpu ?? null })) ?? null,
                memory: p.memory ? {
                    totalKiB: p.memory.totalKiB, local: p.memory.local,
                    byNode: [...p.memory.byNode].sort((a, b) => a[0] - b[0]).map(([node, kib]) => ({ node, kib })),
                } : null,
                devices: {
                    nics: g.io.nics.map(n => ({
                        kind: n.nic.kind, mac: n.nic.mac, source: n.nic.source, network: n.nic.network, target: n.nic.target,
                        pci: n.nic.pci, via: n.via, physical: n.physical.map(ph => ({ name: ph.name, node: ph.node })), note: n.note,
                    })),
                    hostdevs: g.io.hostdevs.map(d => ({ pci: d.pci, node: d.node ?? null })),
                },
                verdict: { kind: p.verdict.kind, text: input.verdictText(p.verdict.kind) },
                findings: p.findings.map(f => finding(f, input.findingText)),
            };
        }),
    };
}

export type Report = ReturnType<typeof reportBuild>;

/**
 * One CSV cell: always quoted, quotes doubled (RFC 4180). A cell a spreadsheet would take as a formula (starting
 * with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so that a guest named "=HYPERLINK(...)"
 * stays text (OWASP's advice for CSV injection).
 */
export function csvCell(value: string | number | null): string {
    let s = value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
}

export const csvLine = (cells: (string | number | null)[]): string => cells.map(csvCell).join(",") + "\r\n";
