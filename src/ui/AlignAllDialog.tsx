// "Align all": the plans of every guest shown whose emulator threads are not aligned under the policy, each
// previewed with its operations and commands; one engine run for the batch (a few guests at a time, one /proc read
// to verify them all), and a result per guest.
import React, { useRef, useState } from "react";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { ExpandableSection } from "@patternfly/react-core/dist/esm/components/ExpandableSection/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { changeRun, type ChangeResult } from "../change/engine";
import { commandText, opCommands, type ChangeOp, type ChangePlan, type OpCheck } from "../model/change";
import type { HostTopology } from "../model/topology";
import type { Applied } from "./AlignDialog";
import { alignVerifyText, conflictText, errorText, opText, partialText } from "./changeText";
import { _, format } from "./i18n";

export interface BatchItem {
    key: string;
    plan: ChangePlan;
    /** the guest's threads are moved when they do not follow (session guests: libvirt moves only the main one) */
    moveStragglers: boolean;
    /** what the guest already has and the plan leaves, verified with the rest */
    verifyAlso: ChangeOp[];
}

export type Status = "applied" | "verified" | "not-verified" | "failed" | "changed";

/** One guest's result in a batch, in words; `verify` says what its live checks showed. */
export function outcomeOf(r: ChangeResult, host: HostTopology,
                          verify: (checks: OpCheck[], host: HostTopology) => { text: string; ok: boolean } = alignVerifyText): { status: Status; text: string } {
    if (r.kind === "stale") return { status: "changed", text: format(_("not changed, the guest changed since the preview: $0"), r.conflicts.map(conflictText).join("; ")) };
    if (r.kind === "error") return { status: "failed", text: format(_("Nothing changed: $0"), errorText(r.error)) };
    const partial = partialText(r.results);
    if (partial) return { status: "failed", text: partial };
    if (!r.checks.some(c => c.op.where === "live")) return { status: "applied", text: _("Saved config changed (the guest is not running).") };
    const v = verify(r.checks, host);
    return { status: v.ok ? "verified" : "not-verified", text: v.text };
}

export const STATUS_TEXT = (): Record<Status, string> => ({
    applied: _("applied"), verified: _("verified"), "not-verified": _("applied, not verified"), failed: _("failed"),
    changed: _("skipped"),
});

interface Props {
    items: BatchItem[];
    host: HostTopology;
    onClose: () => void;
    onApplied: (a: Applied) => void;
    /** told when the batch starts and ends: the page holds its libvirt re-reads meanwhile and reads once after */
    onBusy?: (busy: boolean) => void;
}

export const AlignAllDialog = ({ items, host, onClose, onApplied, onBusy }: Props) => {
    const key = useRef(`align-all-${Date.now()}`).current;
    const [busy, setBusy] = useState(false);
    const [outcomes, setOutcomes] = useState<Map<string, { status: Status; text: string }> | null>(null);

    const run = async () => {
        setBusy(true);
        onBusy?.(true);
        let results: ChangeResult[];
        try {
            results = await changeRun(items.map(i => ({ plan: i.plan, moveStragglers: i.moveStragglers, verifyAlso: i.verifyAlso })), host);
        } catch (e) {
            const error = { kind: "other" as const, message: String((e as Error)?.message ?? e) };
            results = items.map(() => ({ kind: "error", error }));
        } finally {
            // the page's libvirt re-reads resume on every path
            setBusy(false);
            onBusy?.(false);
        }
        const out = results.map(r => outcomeOf(r, host));
        setOutcomes(new Map(items.map((it, i) => [it.key, out[i]!])));
        const undo = results.flatMap((r, i) => {
            const applied = r.kind === "ran" ? r.results.filter(x => x.status === "applied").map(x => x.op) : [];
            return applied.length ? [{ plan: items[i]!.plan, applied }] : [];
        });
        const failed = out.filter(o => o.status === "failed" || o.status === "changed").length;
        if (undo.length)
            onApplied({
                key, items: undo, ok: failed === 0,
                title: failed
                    ? format(_("Aligned $0 of $1 guests; $2 not aligned."), items.length - failed, items.length, failed)
                    : format(cockpit.ngettext("Aligned $0 guest.", "Aligned $0 guests.", items.length), items.length),
            });
    };

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="large" aria-labelledby="align-all-title" data-testid="align-all-dialog">
            <ModalHeader title={format(cockpit.ngettext("Align the emulator threads of $0 guest", "Align the emulator threads of $0 guests", items.length), items.length)}
                         labelId="align-all-title" />
            <ModalBody>
                <Table aria-label={_("Guests to align")} variant="compact">
                    <Thead><Tr><Th>{_("Guest")}</Th><Th>{_("Changes")}</Th><Th>{_("Result")}</Th></Tr></Thead>
                    <Tbody>
                        {items.map(({ key, plan, moveStragglers }) => {
                            const o = outcomes?.get(key);
                            return (
                                <Tr key={key} data-guest={plan.guest.name} data-status={o?.status ?? "pending"}>
                                    <Td dataLabel={_("Guest")}>{plan.guest.name}</Td>
                                    <Td dataLabel={_("Changes")}>
                                        {plan.ops.map((op, i) => <div key={i}>{opText(op)}</div>)}
                                        {moveStragglers && <div>{_("then threads that did not follow are moved")}</div>}
                                        <ExpandableSection toggleText={_("Commands")} data-testid="align-all-commands">
                                            <pre className="np-commands">
                                                {plan.ops.flatMap(op => opCommands(op, plan.guest)).map(commandText).join("\n")}
                                            </pre>
                                        </ExpandableSection>
                                    </Td>
                                    <Td dataLabel={_("Result")}>{o ? `${STATUS_TEXT()[o.status]}: ${o.text}` : busy ? _("in progress…") : "—"}</Td>
                                </Tr>
                            );
                        })}
                    </Tbody>
                </Table>
            </ModalBody>
            <ModalFooter>
                {!outcomes && (
                    <Button variant="primary" onClick={() => void run()} isLoading={busy} isDisabled={busy} data-testid="align-all-apply">
                        {format(cockpit.ngettext("Align $0 guest", "Align $0 guests", items.length), items.length)}
                    </Button>
                )}
                <Button variant="link" onClick={onClose} isDisabled={busy} data-testid="align-all-close">{outcomes ? _("Close") : _("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
};
