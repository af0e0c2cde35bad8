// Domain XML (Domain.GetXMLDesc: 0 = live for a running guest, 2 = inactive/saved) -> the guest's configured
// pinning, and the effective CPU set of every thread group by libvirt's rules (qemuProcessSetupPid).
// Format: https://libvirt.org/formatdomain.html — <vcpu placement cpuset current>, <cputune><vcpupin vcpu
// cpuset/><emulatorpin cpuset/><iothreadpin iothread cpuset/></cputune>, <iothreads>, <iothreadids>,
// <numatune><memory mode nodeset placement/><memnode cellid mode nodeset/></numatune>, <cpu><numa><cell/>.
import { CpusetError, cpusetParse, cpusetUnion, type CpuSet, type CpusetProblem } from "./cpuset";
import { topologyCpusOfNodes, type HostTopology } from "./topology";
import { guestIoOf, type GuestIo } from "./guestio";
import { child, children, intAttr, kibOf, xmlParse } from "./xml";

export type GuestState = "running" | "paused" | "shutoff" | "other";

export interface Numatune {
    mode: string;
    nodeset: number[] | null;
    placement: "static" | "auto";
    memnodes: { cellid: number; mode: string; nodeset: number[] }[];
}

/** the most vCPUs and I/O threads the page takes from a guest's XML (libvirt's QEMU driver allows far fewer) */
export const GUEST_COUNT_MAX = 16384;

export type GuestProblem =
    /** a CPU list that could not be read: the element ("vcpupin 3") is left out */
    | { kind: "cpuset"; element: string; problem: CpusetProblem }
    /** a count beyond GUEST_COUNT_MAX: the element ("vcpu", "iothreads") is taken as 1 vCPU or no I/O thread */
    | { kind: "count"; element: string; value: string; max: number };

export interface GuestConfig {
    name: string;
    uuid: string;
    /** libvirt's domain id; set in live XML of a running guest only */
    id: number | null;
    vcpuMax: number;
    vcpuCurrent: number;
    placement: "static" | "auto";
    vcpuCpuset: number[] | null;
    vcpupins: Map<number, number[]>;
    emulatorpin: number[] | null;
    iothreadIds: number[];
    iothreadpins: Map<number, number[]>;
    numatune: Numatune | null;
    cells: { id: number; cpus: number[]; memoryKiB: number | null }[];
    /** the guest's memory (<currentMemory>, else <memory>), KiB; null when the XML gives none */
    memoryKiB: number | null;
    /** <memoryBacking><hugepages>: the guest's memory is in huge pages */
    hugepages: boolean;
    /** the size of those huge pages (<hugepages><page size unit>), KiB; null when the XML leaves it to the host */
    hugepageKiB: number | null;
    /** <cpu><topology threads>: vCPUs per guest core (1 when not said) */
    threadsPerCore: number;
    /** its NICs and passed-through PCI devices */
    io: GuestIo;
    /** parts of the XML the page could not take as they are: left out, or bounded (see GuestProblem) */
    problems: GuestProblem[];
}

export function guestParse(xml: string): GuestConfig {
    const root = xmlParse(xml, "domain XML", "domain");
    const problems: GuestConfig["problems"] = [];
    const set = (el: Element | null, attr: string, what: string): number[] | null => {
        const v = el?.getAttribute(attr);
        if (v === null || v === undefined) return null;
        try { return cpusetParse(v) } catch (e) {
            if (!(e instanceof CpusetError)) throw e;
            problems.push({ kind: "cpuset", element: what, problem: e.problem });
            return null;
        }
    };

    const vcpu = child(root, "vcpu");
    /** a count from the XML, refused (as a problem) beyond GUEST_COUNT_MAX */
    const count = (text: string | null | undefined, element: string, fallback: number): number => {
        const t = text?.trim() ?? "";
        if (!/^\d+$/.test(t)) return fallback;
        if (Number(t) > GUEST_COUNT_MAX) { problems.push({ kind: "count", element, value: t, max: GUEST_COUNT_MAX }); return fallback }
        return Number(t);
    };
    const vcpuMax = count(vcpu?.textContent, "vcpu", 1) || 1;
    const vcpuCurrent = Math.min(count(vcpu?.getAttribute("current"), "vcpu current", vcpuMax), vcpuMax);
    const cputune = child(root, "cputune");

    const vcpupins = new Map<number, number[]>();
    for (const p of children(cputune, "vcpupin")) {
        const n = intAttr(p, "vcpu");
        const s = set(p, "cpuset", `vcpupin ${n}`);
        if (n !== null && s) vcpupins.set(n, s);
    }
    const iothreadpins = new Map<number, number[]>();
    for (const p of children(cputune, "iothreadpin")) {
        const n = intAttr(p, "iothread");
        const s = set(p, "cpuset", `iothreadpin ${n}`);
        if (n !== null && s) iothreadpins.set(n, s);
    }
    let iothreadIds = children(child(root, "iothreadids"), "iothread")
        .map(t => intAttr(t, "id")).filter((n): n is number => n !== null);
    if (iothreadIds.length === 0) {
        iothreadIds = Array.from({ length: count(child(root, "iothreads")?.textContent, "iothreads", 0) }, (_, i) => i + 1);
    }

    const nt = child(root, "numatune");
    const mem = child(nt, "memory");
    const numatune: Numatune | null = nt ? {
        mode: mem?.getAttribute("mode") ?? "strict",
        nodeset: set(mem, "nodeset", "numatune nodeset"),
        placement: mem?.getAttribute("placement") === "auto" ? "auto" : "static",
        memnodes: children(nt, "memnode").map(m => ({
            cellid: intAttr(m, "cellid") ?? 0,
            mode: m.getAttribute("mode") ?? "strict",
            nodeset: set(m, "nodeset", "memnode nodeset") ?? [],
        })),
    } : null;

    const cells = children(child(root, "cpu", "numa"), "cell").map((c, i) => ({
        id: intAttr(c, "id") ?? i,
        cpus: set(c, "cpus", "guest NUMA cell") ?? [],
        memoryKiB: kibOf(c, "memory"),
    }));

    const id = intAttr(root, "id");
    const threads = intAttr(child(root, "cpu", "topology"), "threads");
    return {
        name: child(root, "name")?.textContent ?? "",
        uuid: child(root, "uuid")?.textContent?.trim() ?? "",
        id: id !== null && id >= 0 ? id : null,
        vcpuMax, vcpuCurrent,
        placement: vcpu?.getAttribute("placement") === "auto" ? "auto" : "static",
        vcpuCpuset: set(vcpu, "cpuset", "vcpu cpuset"),
        vcpupins,
        emulatorpin: set(child(cputune, "emulatorpin"), "cpuset", "emulatorpin"),
        iothreadIds, iothreadpins, numatune, cells, problems,
        memoryKiB: kibOf(child(root, "currentMemory")) ?? kibOf(child(root, "memory")),
        threadsPerCore: threads !== null && threads >= 1 && threads <= 8 ? threads : 1,
        hugepages: child(root, "memoryBacking", "hugepages") !== null,
        hugepageKiB: kibOf(child(root, "memoryBacking", "hugepages", "page"), "size"),
        io: guestIoOf(root),
    };
}

/** A running or paused guest has threads and a live XML; a shut-off one has neither. */
export const guestIsActive = (state: GuestState): boolean => state === "running" || state === "paused";

/** Where a group's CPU set comes from, in libvirt's order of precedence. */
export type EffectiveSource = "pin" | "auto" | "vcpu-cpuset" | "all";

export interface EffectiveSet {
    cpus: number[];
    source: EffectiveSource;
}

export interface GuestEffective {
    vcpus: Map<number, EffectiveSet>;
    emulator: EffectiveSet;
    iothreads: Map<number, EffectiveSet>;
}

/** The union of the vCPUs' CPUs, and whether every vCPU is placed (not free to run on every online CPU). */
export function guestVcpuUnion(eff: GuestEffective): { cpus: number[]; pinned: boolean } {
    const sets = [...eff.vcpus.values()];
    return { cpus: cpusetUnion(...sets.map(v => v.cpus)), pinned: sets.length > 0 && sets.every(v => v.source !== "all") };
}

/**
 * The CPUs each thread group may run on: its own pin; else, with placement='auto', the CPUs of numad's
 * nodeset (autoNodeset: libvirt reports it only through the live pin info, so the caller passes it when known);
 * else <vcpu cpuset>; else every online CPU. libvirt ignores <vcpu cpuset> with placement='auto'.
 */
export function guestEffective(guest: GuestConfig, host: HostTopology, autoNodeset?: CpuSet | null): GuestEffective {
    const fallback = (): EffectiveSet => {
        if (guest.placement === "auto" && autoNodeset && autoNodeset.length)
            return { cpus: topologyCpusOfNodes(host, autoNodeset), source: "auto" };
        if (guest.placement !== "auto" && guest.vcpuCpuset)
            return { cpus: guest.vcpuCpuset, source: "vcpu-cpuset" };
        return { cpus: host.online, source: "all" };
    };
    const of = (pin: number[] | null | undefined): EffectiveSet => pin ? { cpus: pin, source: "pin" } : fallback();
    const vcpus = new Map<number, EffectiveSet>();
    for (let n = 0; n < guest.vcpuCurrent; n++)
        vcpus.set(n, of(guest.vcpupins.get(n)));
    const iothreads = new Map<number, EffectiveSet>();
    for (const id of guest.iothreadIds)
        iothreads.set(id, of(guest.iothreadpins.get(id)));
    return { vcpus, emulator: of(guest.emulatorpin), iothreads };
}
