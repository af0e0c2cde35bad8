// The page's toasts, and the Undo some of them offer. An Undo offer holds the plans that were applied and which of
// their operations were; it expires after UNDO_TTL_MS, or once the guest, having shown what the change set, shows
// something else (someone changed it since). Pressing Undo previews it first (UndoDialog), which checks again.
import { useCallback, useEffect, useRef, useState } from "react";
import { guestRecordNow } from "../libvirt/guests";
import { planConflicts, type ChangeOp, type ChangePlan } from "../model/change";
import type { HostTopology } from "../model/topology";
import type { GuestRow } from "./GuestsTable";

export const UNDO_TTL_MS = 10 * 60 * 1000;

export interface UndoItem {
    plan: ChangePlan;
    applied: ChangeOp[];
}

export interface Toast {
    /** a dialog that applies again (Retry what failed) replaces its own toast: one Undo for the same operations */
    key: string;
    variant: "success" | "warning" | "danger" | "info";
    title: string;
    body?: string;
    undo?: { items: UndoItem[]; state: "pending" | "matched" | "expired"; until: number };
}

/** Whether the page's rows show the guests with exactly what the items set (null: a guest is not shown). */
function rowsMatch(items: UndoItem[], rows: GuestRow[], host: HostTopology): boolean | null {
    for (const { plan, applied } of items) {
        const row = rows.find(r => r.guest.connection === plan.guest.connection && r.guest.path === plan.guest.path);
        if (!row) return null;
        if (planConflicts({ guest: plan.guest, ops: applied }, guestRecordNow(row.guest), host, "after").length) return false;
    }
    return true;
}

export function useToasts(rows: GuestRow[], host: HostTopology | null) {
    const [toasts, setToasts] = useState<Toast[]>([]);
    const counter = useRef(0);

    const show = useCallback((t: Omit<Toast, "key"> & { key?: string }) => {
        const key = t.key ?? `toast-${++counter.current}`;
        setToasts(ts => [...ts.filter(x => x.key !== key), { ...t, key }]);
    }, []);
    const close = useCallback((key: string) => setToasts(ts => ts.filter(t => t.key !== key)), []);

    // offers follow the guests: matched once the rows show the change, expired when they show something else
    useEffect(() => {
        if (!host) return;
        setToasts(ts => {
            let changed = false;
            const next = ts.map((t): Toast => {
                if (!t.undo || t.undo.state === "expired") return t;
                const match = rowsMatch(t.undo.items, rows, host);
                const state: "pending" | "matched" | "expired" = match === true ? "matched" : match === false && t.undo.state === "matched" ? "expired" : t.undo.state;
                if (state === t.undo.state) return t;
                changed = true;
                return { ...t, undo: { ...t.undo, state } };
            });
            return changed ? next : ts;
        });
    }, [rows, host]);

    // and expire after a while
    useEffect(() => {
        const live = toasts.filter(t => t.undo && t.undo.state !== "expired");
        if (!live.length) return;
        const next = Math.min(...live.map(t => t.undo!.until));
        const timer = window.setTimeout(() => setToasts(ts => ts.map(t =>
            t.undo && t.undo.state !== "expired" && t.undo.until <= Date.now() ? { ...t, undo: { ...t.undo, state: "expired" } } : t)),
                                        Math.max(0, next - Date.now()));
        return () => window.clearTimeout(timer);
    }, [toasts]);

    return { toasts, show, close };
}
