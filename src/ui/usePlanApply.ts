// The state of a dialog that applies one change plan through the engine: busy, the guest as re-read when the
// plan went stale (the preview follows it from then on), the error that stopped it, each operation's result and
// check; "Retry what failed" runs the rest of the plan and keeps what was applied. A batch ("Align all", "Plan the
// host") runs through batchApply.
import { useState } from "react";
import { changeRun, type ChangeError, type ChangeItem, type ChangeResult, type OpResult } from "../change/engine";
import type { ChangeOp, Conflict, GuestNow, OpCheck } from "../model/change";
import type { HostTopology } from "../model/topology";
import { outcomeOf, type Status } from "./changeText";
import type { Applied } from "./AlignDialog";
import type { UndoItem } from "./useToasts";

/** What a dialog says once its plan ran: the toast's title and whether it is a success. */
export type AppliedText = (results: OpResult[], checks: OpCheck[]) => { title: string; ok: boolean };

/** The engine's answer for one item, or an error result for what the engine did not expect. */
async function runOne(item: ChangeItem, host: HostTopology): Promise<ChangeResult> {
    try {
        const [r] = await changeRun([item], host);
        return r!;
    } catch (e) {
        return { kind: "error", error: { kind: "other", message: String((e as Error)?.message ?? e) } };
    }
}

export function usePlanApply(host: HostTopology, key: string, onApplied: (a: Applied) => void) {
    const [busy, setBusy] = useState(false);
    const [now, setNow] = useState<GuestNow | null>(null);
    const [stale, setStale] = useState<Conflict[] | null>(null);
    const [error, setError] = useState<ChangeError | null>(null);
    const [results, setResults] = useState<OpResult[] | null>(null);
    const [checks, setChecks] = useState<OpCheck[]>([]);

    /** runs item (its plan's ops, or `ops` of it on a retry) after the results `earlier` */
    const run = async (item: ChangeItem, text: AppliedText, earlier: OpResult[] = []) => {
        setBusy(true);
        setError(null);
        const r = await runOne(item, host);
        setBusy(false);
        if (r.kind === "stale") { setNow(r.now); setStale(r.conflicts); return }
        if (r.kind === "error") { setError(r.error); return }
        setStale(null);
        const all = [...earlier, ...r.results];
        setResults(all);
        setChecks(r.checks);
        const applied = all.filter(x => x.status === "applied").map(x => x.op);
        if (applied.length) onApplied({ key, items: [{ plan: item.plan, applied }], ...text(all, r.checks) });
    };
    /** the operations not applied yet, run again */
    const retry = (item: ChangeItem, text: AppliedText) => {
        if (!results) return;
        const rest: ChangeOp[] = results.filter(r => r.status !== "applied").map(r => r.op);
        void run({ ...item, plan: { ...item.plan, ops: rest } }, text, results.filter(r => r.status === "applied"));
    };
    const failed = results?.find(r => r.status === "failed") ?? null;
    return { busy, now, stale, error, results, checks, failed, run, retry };
}

/** A batch through the engine: one outcome per item (by key) and the Undo of everything applied. */
export async function batchApply(items: (ChangeItem & { key: string })[], host: HostTopology,
                                 verify?: (checks: OpCheck[], host: HostTopology) => { text: string; ok: boolean }):
    Promise<{ outcomes: Map<string, { status: Status; text: string }>; undo: UndoItem[]; failed: number }> {
    let results: ChangeResult[];
    try {
        results = await changeRun(items, host);
    } catch (e) {
        const error = { kind: "other" as const, message: String((e as Error)?.message ?? e) };
        results = items.map(() => ({ kind: "error", error }));
    }
    const out = results.map(r => outcomeOf(r, host, verify));
    const undo = results.flatMap((r, i) => {
        const applied = r.kind === "ran" ? r.results.filter(x => x.status === "applied").map(x => x.op) : [];
        return applied.length ? [{ plan: items[i]!.plan, applied }] : [];
    });
    return {
        outcomes: new Map(items.map((it, i) => [it.key, out[i]!])), undo,
        failed: out.filter(o => o.status === "failed" || o.status === "changed").length,
    };
}

/**
 * A batch dialog's state: busy, each item's outcome once it ran. run() tells onBusy when it starts and ends (the
 * page holds its libvirt re-reads meanwhile) and hands the Undo of everything applied to onApplied, titled by
 * title(failed, total).
 */
export function useBatchApply(host: HostTopology, key: string, onApplied: (a: Applied) => void, onBusy?: (busy: boolean) => void) {
    const [busy, setBusy] = useState(false);
    const [outcomes, setOutcomes] = useState<Map<string, { status: Status; text: string }> | null>(null);
    const run = async (items: (ChangeItem & { key: string })[], title: (failed: number, total: number) => string,
                       verify?: (checks: OpCheck[], host: HostTopology) => { text: string; ok: boolean }) => {
        setBusy(true);
        onBusy?.(true);
        let outcome: Awaited<ReturnType<typeof batchApply>>;
        try {
            outcome = await batchApply(items, host, verify);
        } finally {
            // the page's libvirt re-reads resume on every path
            setBusy(false);
            onBusy?.(false);
        }
        setOutcomes(outcome.outcomes);
        if (outcome.undo.length)
            onApplied({ key, items: outcome.undo, ok: outcome.failed === 0, title: title(outcome.failed, items.length) });
    };
    return { busy, outcomes, run };
}
