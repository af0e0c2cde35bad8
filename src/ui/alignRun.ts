// Runs align operations in order, one D-Bus call (or one thread move) each, stopping at the first failure so
// that the page can say exactly what was applied and what was not; then re-reads the threads and verifies.
import { threadsAffinitySet } from "../host/affinity";
import { threadsRead } from "../host/threads";
import { domainEmulatorPin, domainIOThreadPin } from "../libvirt/api";
import { libvirtErrorOf, type Bus } from "../libvirt/dbus";
import { alignStragglers, alignVerify, type AlignOp, type VerifyResult } from "../model/align";
import { cpumapFromSet } from "../model/cpuset";
import { guestThreads, type Snapshot } from "../model/threads";

export interface OpResult {
    op: AlignOp;
    status: "applied" | "failed" | "not-run";
    error?: string;
    errorKind?: string;
}

export interface AlignTarget {
    bus: Bus;
    path: string;
    name: string;
    cpuCount: number;
}

async function opRun(t: AlignTarget, op: AlignOp): Promise<void> {
    switch (op.kind) {
    case "emulator":
        return domainEmulatorPin({ bus: t.bus, path: t.path, cpumap: cpumapFromSet(op.target, t.cpuCount), flags: op.flag });
    case "iothread":
        return domainIOThreadPin({ bus: t.bus, path: t.path, iothread: op.id, cpumap: cpumapFromSet(op.target, t.cpuCount), flags: op.flag });
    case "move-threads":
        return threadsAffinitySet({ tids: op.tids, cpus: op.target, asRoot: t.bus === "system" });
    }
}

/** Runs ops in order; after the first failure the rest are "not-run". */
export async function alignOpsRun(t: AlignTarget, ops: AlignOp[]): Promise<OpResult[]> {
    const results: OpResult[] = [];
    let failed = false;
    for (const op of ops) {
        if (failed) { results.push({ op, status: "not-run" }); continue }
        try {
            await opRun(t, op);
            results.push({ op, status: "applied" });
        } catch (e) {
            failed = true;
            const err = op.kind === "move-threads" ? { message: (e as cockpit.BasicError).message ?? String(e), kind: "other" } : libvirtErrorOf(e);
            results.push({ op, status: "failed", error: err.message, errorKind: err.kind });
        }
    }
    return results;
}

/** Reads the threads again and checks the emulator group against the live target. */
export async function alignVerifyRead(t: AlignTarget, target: number[], iothreads: boolean): Promise<VerifyResult | null> {
    return alignVerifyIn(await threadsRead(), t, target, iothreads);
}

/** Checks one guest's emulator group in a snapshot already read (Align all reads once for the whole batch). */
export function alignVerifyIn(snap: Snapshot, t: AlignTarget, target: number[], iothreads: boolean): VerifyResult | null {
    const threads = guestThreads(snap, t.name, t.bus);
    return threads ? alignVerify(threads, target, { iothreads }) : null;
}

/** Verify; when asked, move the threads that did not follow, and verify again. Returns the move, if one ran. */
export async function alignVerifyAndMove(t: AlignTarget, target: number[], options: { iothreads: boolean; moveStragglers: boolean }):
    Promise<{ verify: VerifyResult | null; moved: OpResult | null }> {
    let verify = await alignVerifyRead(t, target, options.iothreads);
    const moved = verify && options.moveStragglers ? await alignStragglersMove(t, verify, target) : null;
    if (moved) verify = await alignVerifyRead(t, target, options.iothreads);
    return { verify, moved };
}

/** Moves the threads a verification found off the target (one spawn); null when there was nothing to move. */
export async function alignStragglersMove(t: AlignTarget, verify: VerifyResult, target: number[]): Promise<OpResult | null> {
    const op = verify.ok ? null : alignStragglers(verify, target);
    return op ? (await alignOpsRun(t, [op]))[0]! : null;
}
