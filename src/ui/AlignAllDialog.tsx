// "Align all": the plans of every guest shown whose emulator threads are not aligned under the policy, each
// previewed with its operations and commands; one engine run for the batch (a few guests at a time, one /proc read
// to verify them all), and a result per guest.
import React, { useRef } from "react";
import { ExpandableSection } from "@patternfly/react-core/dist/esm/components/ExpandableSection/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { ChangeOp, ChangePlan } from "../model/change";
import type { HostTopology } from "../model/topology";
import type { Applied } from "./AlignDialog";
import { opText } from "./changeText";
import { BatchFooter, batchResultText, PlanCommands } from "./PlanView";
import { _, format } from "./i18n";
import { useBatchApply } from "./usePlanApply";

export interface BatchItem {
    key: string;
    plan: ChangePlan;
    /** the guest's threads are moved when they do not follow (session guests: libvirt moves only the main one) */
    moveStragglers: boolean;
    /** what the guest already has and the plan leaves, verified with the rest */
    verifyAlso: ChangeOp[];
}

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
    const batch = useBatchApply(host, key, onApplied, onBusy);
    const { busy, outcomes } = batch;

    const run = () => batch.run(items.map(i => ({ key: i.key, plan: i.plan, moveStragglers: i.moveStragglers, verifyAlso: i.verifyAlso })),
        (failed, total) => failed
            ? format(_("Aligned $0 of $1 guests; $2 not aligned."), total - failed, total, failed)
            : format(cockpit.ngettext("Aligned $0 guest.", "Aligned $0 guests.", total), total));

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
                                            <PlanCommands plan={plan} />
                                        </ExpandableSection>
                                    </Td>
                                    <Td dataLabel={_("Result")}>{batchResultText(o, busy)}</Td>
                                </Tr>
                            );
                        })}
                    </Tbody>
                </Table>
            </ModalBody>
            <ModalFooter>
                <BatchFooter done={outcomes !== null} busy={busy} canApply id="align-all" onApply={() => void run()} onClose={onClose}
                             exported={{ plans: items.map(i => i.plan), title: format(cockpit.ngettext("Align the emulator threads of $0 guest", "Align the emulator threads of $0 guests", items.length), items.length) }}
                             applyText={format(cockpit.ngettext("Align $0 guest", "Align $0 guests", items.length), items.length)} />
            </ModalFooter>
        </Modal>
    );
};
