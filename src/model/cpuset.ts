// libvirt's cpuset syntax ("0-3,8", "0-7,^3") and libvirt-dbus's boolean cpumaps, as sorted sets of CPU ids.
// The syntax follows libvirt's virBitmapParse: comma-separated terms, each "N", "N-M" (N <= M) or "^N"
// (remove N from what the terms before it added), with blanks allowed around terms.

/** A set of host CPU ids, sorted ascending, without duplicates. */
export type CpuSet = readonly number[];

export type CpusetProblem =
    | { kind: "empty-input" }
    | { kind: "empty-term"; part: string }
    | { kind: "not-a-number"; part: string }
    | { kind: "reversed-range"; part: string }
    | { kind: "beyond-host"; part: string; cpu: number; cpuCount: number }
    | { kind: "too-large"; part: string; cpu: number; max: number }
    | { kind: "selects-nothing"; part: string };

export class CpusetError extends Error {
    readonly problem: CpusetProblem;
    constructor(problem: CpusetProblem) {
        super(cpusetProblemText(problem));
        this.name = "CpusetError";
        this.problem = problem;
    }
}

/** English text of a problem; the page translates from the problem's kind instead. */
export function cpusetProblemText(p: CpusetProblem): string {
    switch (p.kind) {
    case "empty-input": return "The CPU list is empty";
    case "empty-term": return `"${p.part}" has an empty entry between commas`;
    case "not-a-number": return `"${p.part}" is not a CPU number or range`;
    case "reversed-range": return `"${p.part}" is a range that ends before it starts`;
    case "beyond-host": return `"${p.part}": CPU ${p.cpu} does not exist on this host (CPUs 0-${p.cpuCount - 1})`;
    case "too-large": return `"${p.part}": CPU ${p.cpu} is beyond the largest CPU id accepted (${p.max})`;
    case "selects-nothing": return `"${p.part}" selects no CPU`;
    }
}

const NUMBER = /^\d{1,6}$/;

/** The highest CPU id + 1 accepted when the host's CPU count is not known (libvirt's own cpumask limit). */
export const CPUSET_MAX = 8192;

/**
 * Parses libvirt's cpuset syntax exactly as libvirt's virBitmapParse reads it: terms in order, each "N" or "N-M"
 * adding CPUs and "^N" removing one from what the terms before it added ("^3,0-7" is 0-7, "0-7,^3" leaves 3 out);
 * blanks around terms; one trailing comma. With cpuCount, refuses CPUs beyond the host (ids >= cpuCount); without,
 * ids of CPUSET_MAX and above. Stricter than libvirt in one place, with the reason: a list that selects no CPU.
 * Throws CpusetError quoting the bad part.
 */
export function cpusetParse(text: string, cpuCount?: number): number[] {
    if (text.trim() === "")
        throw new CpusetError({ kind: "empty-input" });
    const set = new Set<number>();
    const check = (cpu: number, part: string) => {
        if (cpuCount !== undefined && cpu >= cpuCount)
            throw new CpusetError({ kind: "beyond-host", part, cpu, cpuCount });
        if (cpu >= CPUSET_MAX)
            throw new CpusetError({ kind: "too-large", part, cpu, max: CPUSET_MAX - 1 });
    };
    const terms = text.split(",");
    // libvirt stops at the end of the text after a comma: "0-3," is "0-3"
    if (terms.length > 1 && terms[terms.length - 1]!.trim() === "") terms.pop();
    for (const raw of terms) {
        const part = raw.trim();
        if (part === "")
            throw new CpusetError({ kind: "empty-term", part: text.trim() });
        if (part.startsWith("^")) {
            const n = part.slice(1);
            if (!NUMBER.test(n))
                throw new CpusetError({ kind: "not-a-number", part });
            check(Number(n), part);
            set.delete(Number(n));
            continue;
        }
        const dash = part.indexOf("-", 1);
        if (dash < 0) {
            if (!NUMBER.test(part))
                throw new CpusetError({ kind: "not-a-number", part });
            check(Number(part), part);
            set.add(Number(part));
            continue;
        }
        const a = part.slice(0, dash).trim();
        const b = part.slice(dash + 1).trim();
        if (!NUMBER.test(a) || !NUMBER.test(b))
            throw new CpusetError({ kind: "not-a-number", part });
        const lo = Number(a), hi = Number(b);
        if (hi < lo)
            throw new CpusetError({ kind: "reversed-range", part });
        check(hi, part);
        for (let c = lo; c <= hi; c++)
            set.add(c);
    }
    const result = [...set].sort((x, y) => x - y);
    if (result.length === 0)
        throw new CpusetError({ kind: "selects-nothing", part: text.trim() });
    return result;
}

/** Formats a set the way libvirt does: runs of consecutive CPUs as "N-M", the rest as a list. */
export function cpusetFormat(set: Iterable<number>): string {
    const cpus = cpusetOf(set);
    const parts: string[] = [];
    for (let i = 0; i < cpus.length;) {
        let j = i;
        while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1)
            j++;
        parts.push(j > i ? `${cpus[i]}-${cpus[j]}` : `${cpus[i]}`);
        i = j + 1;
    }
    return parts.join(",");
}

/** Sorted, de-duplicated copy. */
export function cpusetOf(set: Iterable<number>): number[] {
    return [...new Set(set)].sort((a, b) => a - b);
}

/** libvirt-dbus cpumap (one boolean per host CPU) for a set; CPUs beyond cpuCount are refused. */
export function cpumapFromSet(set: CpuSet, cpuCount: number): boolean[] {
    const map = new Array<boolean>(cpuCount).fill(false);
    for (const cpu of set) {
        if (cpu >= cpuCount || cpu < 0)
            throw new CpusetError({ kind: "beyond-host", part: String(cpu), cpu, cpuCount });
        map[cpu] = true;
    }
    return map;
}

export function cpumapToSet(map: readonly boolean[]): number[] {
    const out: number[] = [];
    map.forEach((on, cpu) => { if (on) out.push(cpu) });
    return out;
}

export function cpusetEqual(a: CpuSet, b: CpuSet): boolean {
    return a.length === b.length && a.every((c, i) => c === b[i]);
}

export function cpusetIsSubset(a: CpuSet, of: CpuSet): boolean {
    const s = new Set(of);
    return a.every(c => s.has(c));
}

export function cpusetUnion(...sets: CpuSet[]): number[] {
    return cpusetOf(sets.flat());
}

export function cpusetMinus(a: CpuSet, b: CpuSet): number[] {
    const s = new Set(b);
    return a.filter(c => !s.has(c));
}

export function cpusetIntersect(a: CpuSet, b: CpuSet): number[] {
    const s = new Set(b);
    return a.filter(c => s.has(c));
}
