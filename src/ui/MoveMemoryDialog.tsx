// "Move memory": the running guest's memory that lies off its vCPUs' nodes moved there while it runs, and the saved
// config bound to those nodes so that it stays there (model/memorymove.ts), previewed with its commands, applied
// through the change engine, verified by reading the memory again, with Undo.
import type { HugePages } from "../model/threads";
import React, { useMemo, useRef } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { ChangeItem, OpResult } from "../change/engine";
import { guestRecordNow } from "../libvirt/guests";
import type { ChangePlan, OpCheck } from "../model/change";
import { memoryMove, type MemoryMoveRefusal } from "../model/memorymove";
import type { HostRecord, HostTopology } from "../model/topology";
import type { Applied } from "./AlignDialog";
import { checkText, errorText, memModeText, memtuneText, partialText } from "./changeText";
import type { GuestRow } from "./GuestsTable";
import { _, format } from "./i18n";
import { PlanConflicts, PlanFooter, PlanOutcome, PlanPreview } from "./PlanView";
import { usePlanApply } from "./usePlanApply";
import { nodesText, sizeText } from "./words";

interface Props {
    row: GuestRow;
    /** the guest's QEMU process and its memory per node, KiB (the last read) */
    pid: number;
    memory: Map<number, number>;
    host: HostRecord;
    /** each node's huge pages by size, from the last read */
    hugepages: Map<number, HugePages[]> | null;
    onClose: () => void;
    onApplied: (a: Applied) => void;
}

export function memoryMoveRefusalText(r: MemoryMoveRefusal): string {
    switch (r.kind) {
    case "vcpus-everywhere": return _("The vCPUs may run on every node, so no node is the memory's own. Place the guest first.");
    case "local": return format(_("All of the memory is on the vCPUs' $0 already."), nodesText(r.nodes));
    case "no-memory": return format(_("Not enough free memory on $0: it has $1 free, and moving the memory there needs $2."), nodesText([r.node]), sizeText(r.freeKiB), sizeText(r.needKiB));
    case "huge-pages-unknown": return _("The guest's memory is in huge pages, which move only to a node with free huge pages of the same size: the nodes' huge pages have not been read yet.");
    case "no-hugepages": return format(cockpit.ngettext("The guest's memory is in huge pages of $0: moving it to $1 needs $2 of them free there, and $1 has $3 free.",
                                                        "The guest's memory is in huge pages of $0: moving it to $1 needs $2 of them free there, and $1 has $3 free.", r.needPages),
                                       sizeText(r.sizeKiB), nodesText([r.node]), r.needPages, r.freePages);
    case "bound-live": return format(_("The running guest's memory is bound $0 ($1), which keeps it off $2, and libvirt changes that binding only when the guest starts. Change the saved config (Place) and restart the guest."),
                                     memModeText(r.mode), nodesText(r.nodeset), nodesText(r.targets));
    case "cells-bound": return format(cockpit.ngettext("The saved config binds guest NUMA cell $0 to another node than $1: use Place to bind each cell.",
                                                       "The saved config binds guest NUMA cells $0 to other nodes than $1: use Place to bind each cell.", r.cells.length),
                                      r.cells.join(", "), nodesText(r.targets));
    }
}

/** The result in one sentence: the memory's check, and the saved binding's when there is one. */
export function memoryVerifyText(checks: OpCheck[], host: HostTopology): { text: string; ok: boolean } {
    const bad = checks.find(c => c.status !== "verified");
    const memory = checks.find(c => c.op.kind === "memory");
    const first = bad ?? memory ?? checks[0];
    if (!first) return { text: _("Nothing was changed."), ok: true };
    const text = checkText(first, host);
    const saved = !bad && checks.find(c => c.op.kind === "numatune");
    return { text: saved && saved.op.kind === "numatune" ? `${text} ${format(_("The saved config binds the memory $0."), memtuneText(saved.op.after))}` : text, ok: !bad };
}

let dialogs = 0;

export const MoveMemoryDialog = ({ row, pid, memory, host, hugepages, onClose, onApplied }: Props) => {
    const { guest } = row;
    const topo = host.topology;
    const key = useRef(`memory-${++dialogs}`).current;
    const { busy, now, stale, error, results, checks, failed, run, retry } = usePlanApply(topo, key, onApplied);
    const { live, saved } = now ?? guestRecordNow(guest);
    const ref = { connection: guest.connection, path: guest.path, name: guest.name };
    const result = useMemo(() => live ? memoryMove({ ref, host: topo, memoryFreeKiB: host.memoryFree, live, saved: guest.persistent ? saved : null, pid, memory, hugepages })
        : null, [topo, host.memoryFree, live, saved, pid, memory, hugepages]); // eslint-disable-line react-hooks/exhaustive-deps
    const plan: ChangePlan = result?.ok ? result.move.plan : { guest: ref, ops: [] };
    const item: ChangeItem = { plan };
    const appliedText = (all: OpResult[], c: OpCheck[]) => {
        const partial = partialText(all);
        const verify = memoryVerifyText(c, topo);
        return { ok: !partial && verify.ok, title: partial ?? format(_("Moved the memory of $0. $1"), guest.name, verify.text) };
    };
    const verify = results && !failed ? memoryVerifyText(checks, topo) : null;
    const total = [...memory.values()].reduce((a, b) => a + b, 0);

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="medium" aria-labelledby="memory-move-title" data-testid="memory-move-dialog">
            <ModalHeader title={format(_("Move the memory of $0"), guest.name)} labelId="memory-move-title"
                         description={format(_("$0 resident, as the kernel counts it"), sizeText(total))} />
            <ModalBody>
                {stale && (
                    <PlanConflicts conflicts={stale} title={_("The guest changed since this preview: nothing was written")}>
                        {_("Close this dialog and open it again once the page shows the guest's memory as it is now.")}
                    </PlanConflicts>
                )}
                {error && <Alert variant="danger" isInline title={_("Nothing changed")} data-testid="plan-error">{errorText(error)}</Alert>}
                {!live && <Alert variant="warning" isInline title={_("The guest is not running")} data-testid="memory-move-refused">{_("Only a running guest's memory can be moved.")}</Alert>}
                {result && !result.ok && (
                    <Alert variant={result.refusal.kind === "local" ? "success" : "warning"} isInline data-testid="memory-move-refused" data-refusal={result.refusal.kind}
                           title={result.refusal.kind === "local" ? _("Nothing to move") : _("Cannot move the memory")}>
                        {memoryMoveRefusalText(result.refusal)}
                    </Alert>
                )}
                {result?.ok && results === null && (
                    <>
                        <Table aria-label={_("Memory to move")} variant="compact" data-testid="memory-move-nodes">
                            <Thead><Tr><Th>{_("From")}</Th><Th>{_("To")}</Th><Th>{_("Memory")}</Th><Th>{_("Free on the target now")}</Th></Tr></Thead>
                            <Tbody>
                                {result.move.moves.map(m => (
                                    <Tr key={m.from} data-from={m.from} data-to={m.to} data-kib={m.kib}>
                                        <Td dataLabel={_("From")}>{nodesText([m.from])}</Td>
                                        <Td dataLabel={_("To")}>{nodesText([m.to])}</Td>
                                        <Td dataLabel={_("Memory")}>{sizeText(m.kib)}</Td>
                                        <Td dataLabel={_("Free on the target now")}>{host.memoryFree.has(m.to) ? sizeText(host.memoryFree.get(m.to)!) : _("unknown")}</Td>
                                    </Tr>
                                ))}
                            </Tbody>
                        </Table>
                        <PlanPreview plan={plan} host={topo} />
                        <p className="np-note" data-testid="memory-move-note">
                            {plan.ops.some(o => o.kind === "numatune")
                                ? _("The kernel moves the pages while the guest runs; pages it cannot move stay where they are and are reported. The saved config is bound to the same nodes, so the memory stays there after a restart.")
                                : _("The kernel moves the pages while the guest runs; pages it cannot move stay where they are and are reported.")}
                        </p>
                    </>
                )}
                <PlanOutcome results={results} checks={checks} host={topo} verify={verify} />
            </ModalBody>
            <ModalFooter>
                <PlanFooter id="memory-move" applyText={_("Move memory")} exported={{ plans: [plan], title: format(_("Move the memory of $0"), guest.name) }} ran={results !== null} busy={busy} canApply={!(plan.ops.length === 0 || stale !== null || error?.kind === "vanished")}
                            canRetry={!!failed && failed.error?.kind !== "vanished"} onApply={() => void run(item, appliedText)}
                            onRetry={() => retry(item, appliedText)} onClose={onClose} />
            </ModalFooter>
        </Modal>
    );
};
