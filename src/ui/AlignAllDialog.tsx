// "Align all": every guest whose verdict is not aligned under the policy and whose plan has changes; a
// confirmation listing each guest and its change, a run with bounded concurrency, a per-guest summary.
import React, { useState } from "react";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { alignOps } from "../model/align";
import { cpusetFormat } from "../model/cpuset";
import { guestIsActive } from "../model/guest";
import type { Plan } from "../model/plan";
import type { HostTopology } from "../model/topology";
import type { AppliedAlign } from "./AlignDialog";
import { verifyText } from "./AlignDialog";
import { threadsRead } from "../host/threads";
import type { Snapshot } from "../model/threads";
import { alignOpsRun, alignStragglersMove, alignVerifyIn, type AlignTarget } from "./alignRun";
import { partialText, whereText } from "./alignText";
import type { GuestRow } from "./GuestsTable";
import { _, format } from "./i18n";

export const ALIGN_ALL_CONCURRENCY = 3;

export interface BatchItem {
    row: GuestRow;
    plan: Plan & { kind: "change" };
}

interface Outcome {
    status: "applied" | "verified" | "not-verified" | "failed";
    text: string;
    applied: AppliedAlign | null;
}

/** Runs fn over items with at most n at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]!);
        }
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
    return out;
}

interface Props {
    items: BatchItem[];
    host: HostTopology;
    onClose: () => void;
    onApplied: (applied: AppliedAlign[], summary: string) => void;
    /** told when the batch starts and ends: the page holds its libvirt re-reads meanwhile and reads once after */
    onBusy?: (busy: boolean) => void;
}

export const AlignAllDialog = ({ items, host, onClose, onApplied, onBusy }: Props) => {
    const [busy, setBusy] = useState(false);
    const [outcomes, setOutcomes] = useState<Map<string, Outcome> | null>(null);

    // first every guest's libvirt calls (a few at a time), then ONE /proc read that verifies them all
    const runOne = async ({ row, plan }: BatchItem): Promise<Outcome | { verifyAgainst: number[]; target: AlignTarget; applied: AppliedAlign | null }> => {
        const g = row.guest;
        const running = guestIsActive(g.state);
        const target = { bus: g.bus, path: g.path, name: g.name, cpuCount: host.cpuCount };
        const ops = alignOps({ plan, options: { iothreads: false }, host, live: running ? g.config : null, saved: g.saved });
        const results = await alignOpsRun(target, ops);
        const applied = results.filter(r => r.status === "applied").map(r => r.op);
        const appliedAlign = applied.length ? { target, applied } : null;
        const partial = partialText(results);
        if (partial) return { status: "failed", text: partial, applied: appliedAlign };
        const live = plan.steps.find(s => s.where === "live");
        if (!live) return { status: "applied", text: _("Saved config changed (the guest is not running)."), applied: appliedAlign };
        return { verifyAgainst: live.target, target, applied: appliedAlign };
    };

    const run = async () => {
        setBusy(true);
        onBusy?.(true);
        const pending = await pool(items, ALIGN_ALL_CONCURRENCY, runOne);
        const verifyAll = async () => {
            const snap: Snapshot | null = await threadsRead().catch(() => null);
            return pending.map(p => "verifyAgainst" in p && snap ? alignVerifyIn(snap, p.target, p.verifyAgainst, false) : null);
        };
        let verified = pending.some(p => "verifyAgainst" in p) ? await verifyAll() : [];
        // session guests: libvirt moved only QEMU's main thread (no cgroups there); the page moves the rest, as the
        // user, and reads once more
        let moved = false;
        for (const [i, p] of pending.entries()) {
            const v = verified[i];
            if (!("verifyAgainst" in p) || p.target.bus !== "session" || !v) continue;
            const r = await alignStragglersMove(p.target, v, p.verifyAgainst);
            if (r?.status === "applied" && p.applied) { p.applied.applied.push(r.op); moved = true }
        }
        if (moved) verified = await verifyAll();
        const results: Outcome[] = pending.map((p, i) => {
            if (!("verifyAgainst" in p)) return p;
            const verify = verified[i] ?? null;
            return { status: verify?.ok ? "verified" : "not-verified", text: verifyText(verify, host, p.verifyAgainst), applied: p.applied };
        });
        const map = new Map(items.map((it, i) => [it.row.guest.key, results[i]!]));
        setOutcomes(map);
        setBusy(false);
        onBusy?.(false);
        const applied = results.map(r => r.applied).filter((a): a is AppliedAlign => a !== null);
        const failed = results.filter(r => r.status === "failed").length;
        onApplied(applied, failed
            ? format(_("Aligned $0 of $1 guests; $2 failed."), results.length - failed, results.length, failed)
            : format(_("Aligned $0 guests."), results.length));
    };

    const statusText = (o: Outcome) => ({
        applied: _("applied"), verified: _("verified"), "not-verified": _("applied, not verified"), failed: _("failed"),
    })[o.status];

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="large" aria-labelledby="align-all-title" data-testid="align-all-dialog">
            <ModalHeader title={format(_("Align the emulator threads of $0 guests"), items.length)} labelId="align-all-title" />
            <ModalBody>
                <Table aria-label={_("Guests to align")} variant="compact">
                    <Thead><Tr><Th>{_("Guest")}</Th><Th>{_("Change")}</Th><Th>{_("Result")}</Th></Tr></Thead>
                    <Tbody>
                        {items.map(({ row, plan }) => {
                            const o = outcomes?.get(row.guest.key);
                            return (
                                <Tr key={row.guest.key} data-guest={row.guest.name} data-status={o?.status ?? "pending"}>
                                    <Td>{row.guest.name}</Td>
                                    <Td>{plan.steps.map(s => format(_("$0: $1 → $2"), whereText(s.where), cpusetFormat(s.current), cpusetFormat(s.target))).join("; ")}</Td>
                                    <Td>{o ? `${statusText(o)}: ${o.text}` : busy ? _("in progress…") : "—"}</Td>
                                </Tr>
                            );
                        })}
                    </Tbody>
                </Table>
            </ModalBody>
            <ModalFooter>
                {!outcomes && (
                    <Button variant="primary" onClick={() => void run()} isLoading={busy} isDisabled={busy} data-testid="align-all-apply">
                        {format(_("Align $0 guests"), items.length)}
                    </Button>
                )}
                <Button variant="link" onClick={onClose} isDisabled={busy} data-testid="align-all-close">{outcomes ? _("Close") : _("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
};
