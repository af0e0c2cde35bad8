// What placing a guest takes and gives (place.ts): the host, what others hold, the admin's choices, the
// placement proposed or why there is none.
import type { CpusetProblem } from "./cpuset";
import type { GuestConfig } from "./guest";
import type { HugePages } from "./threads";
import type { HostTopology } from "./topology";
export type VcpuMode = "one-per-vcpu" | "whole-node";
export type MemMode = "strict" | "restrictive" | "preferred";
export const MEM_MODES: readonly MemMode[] = ["restrictive", "strict", "preferred"];

export interface Memtune {
    mode: MemMode | string;
    nodeset: number[];
    memnodes: { cellid: number; mode: MemMode | string; nodeset: number[] }[];
}

/** The host as the placement sees it: topology and free memory per node now (KiB; absent when unknown). */
export interface PlaceHost {
    topology: HostTopology;
    memoryFreeKiB: Map<number, number>;
    /** each node's huge pages by size, when read: a guest backed by huge pages fits only in free ones of its size */
    hugepages?: Map<number, HugePages[]>;
}

/** The page size of a huge-page backed guest: its <page size>, else 2 MiB (the default huge page size on x86-64). */
export const HUGEPAGE_DEFAULT_KIB = 2048;
export const guestHugepageKiB = (config: GuestConfig): number => config.hugepageKiB ?? HUGEPAGE_DEFAULT_KIB;

/** How many huge pages of a size are free on a node (none when it has none of that size). */
export const hugepagesFree = (hugepages: Map<number, HugePages[]> | null | undefined, node: number, sizeKiB: number): number =>
    hugepages?.get(node)?.find(h => h.sizeKiB === sizeKiB)?.free ?? 0;

/** What others hold: CPUs owned by other guests' vCPUs (names), memory committed per node by earlier placements. */
export interface Taken {
    owners: Map<number, string[]>;
    memoryKiB: Map<number, number>;
}

export const takenNone = (): Taken => ({ owners: new Map(), memoryKiB: new Map() });

export interface PlaceChoice {
    vcpuMode: VcpuMode;
    memMode: MemMode;
    /** the admin's nodes; absent: proposed */
    nodes?: number[] | null;
    /** the admin's CPU list (one per vCPU in order, or all of them for every vCPU); absent: chosen on the nodes */
    cpus?: string | null;
    /** allow CPUs other guests' vCPUs own (the preview flags them) */
    shareCpus?: boolean;
    /** nodes the guest is on now (its memory's numatune, its vCPUs): preferred when they fit */
    prefer?: number[];
    /** nodes of its NICs and PCI devices (iopath.ts): preferred before where it is now */
    devices?: number[];
    /** memory a running guest already has on each node (KiB): free for it there, since it counts as used now */
    resident?: Map<number, number>;
}

export interface Placement {
    nodes: number[];
    /** vCPU -> the CPUs it will be pinned to */
    vcpus: Map<number, number[]>;
    /** guest NUMA cell -> host node */
    cells: { cell: number; node: number }[];
    memory: Memtune;
    /** CPUs used that another guest's vCPUs own (only with shareCpus) */
    shared: { cpu: number; owners: string[] }[];
    /** the guest's memory and the nodes' free memory left for it, KiB (null: unknown) */
    memoryKiB: number | null;
    freeKiB: number | null;
    /** the proposal kept the guest where it is now */
    preferred: boolean;
    /** the proposal is on nodes of its devices */
    nearDevices: boolean;
    /** a guest backed by huge pages: their size, and memoryKiB and freeKiB count in them */
    hugepageKiB: number | null;
}

export type PlaceRefusal =
    | { kind: "no-cpus"; need: number; free: number; nodes: number[] }
    | { kind: "no-memory"; needKiB: number; freeKiB: number; nodes: number[]; hugepageKiB: number | null }
    | { kind: "memory-only"; nodes: number[] }
    | { kind: "unknown-nodes"; nodes: number[] }
    | { kind: "cpus-malformed"; problem: CpusetProblem }
    | { kind: "cpus-offline"; cpus: number[] }
    | { kind: "cpus-owned"; cpus: { cpu: number; owners: string[] }[] };

export type PlaceResult = { ok: true; placement: Placement } | { ok: false; refusal: PlaceRefusal };
