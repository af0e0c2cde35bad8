// "Plan the host": every guest shown that is not placed well gets a node and CPUs of its own (model/hostplan.ts),
// previewed guest by guest with its operations and commands, with the host's totals before and after and each
// node's owned CPUs and bound memory as they will be; applied as one engine batch, with a result per guest and one
// Undo. Guests the planner cannot place are listed with the reason; the rest still apply.
import type { HugePages } from "../model/threads";
import { ioDeviceNodes } from "../model/iopath";
import React, { useMemo, useRef, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Checkbox } from "@patternfly/react-core/dist/esm/components/Checkbox/index.js";
import { ExpandableSection } from "@patternfly/react-core/dist/esm/components/ExpandableSection/index.js";
import { Form, FormGroup, FormHelperText } from "@patternfly/react-core/dist/esm/components/Form/index.js";
import { HelperText, HelperTextItem } from "@patternfly/react-core/dist/esm/components/HelperText/index.js";
import { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
import { List, ListItem } from "@patternfly/react-core/dist/esm/components/List/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { guestRecordNow } from "../libvirt/guests";
import type { ChangePlan } from "../model/change";
import { cpusetFormat, cpusetUnion } from "../model/cpuset";
import { guestEffective } from "../model/guest";
import { planHost, type HostGuest, type HostTotals } from "../model/hostplan";
import { MEM_MODES, type MemMode } from "../model/place";
import { placeChange } from "../model/placechange";
import type { Policy } from "../model/policy";
import { topologyCpusOfNodes, topologyNodesOf, type HostRecord } from "../model/topology";
import { BatchFooter, batchResultText, PlanCommands } from "./PlanView";
import type { Applied } from "./AlignDialog";
import { memModeText, opText, refusalText } from "./changeText";
import type { GuestRow } from "./GuestsTable";
import { _, format } from "./i18n";
import { useBatchApply } from "./usePlanApply";
import { memModeHelp, placeRefusalText, placeVerifyText } from "./placeText";
import { nodesText, sizeText } from "./words";

export interface HostPlanGuest {
    row: GuestRow;
    /** false for guests the plan may not move (not shown, or not the admin's to change): they keep their CPUs */
    movable: boolean;
}

interface Props {
    guests: HostPlanGuest[];
    host: HostRecord;
    policy: Policy;
    onClose: () => void;
    onApplied: (a: Applied) => void;
    onBusy?: (busy: boolean) => void;
    /** each node's huge pages by size, from the last read */
    hugepages: Map<number, HugePages[]> | null;
}

/** "CPUs 1,3 (node 3)", or "any CPU" */
function whereText(host: HostRecord, cpus: number[], all: boolean): string {
    return all ? _("any CPU") : `${cpusetFormat(cpus)} (${nodesText(topologyNodesOf(host.topology, cpus))})`;
}

const Totals = ({ host, before, after }: { host: HostRecord; before: HostTotals; after: HostTotals }) => {
    const nodes = host.topology.nodes.map(n => ({ id: n.id, online: topologyCpusOfNodes(host.topology, [n.id]).length }))
        .filter(n => n.online > 0 || before.committedKiB.has(n.id) || after.committedKiB.has(n.id));
    const nodeText = (t: HostTotals, n: { id: number; online: number }) =>
        `${t.ownedPerNode.get(n.id) ?? 0} / ${n.online}, ${sizeText(t.committedKiB.get(n.id) ?? 0)}`;
    const rows: [string, string, string, string][] = [
        ["owned-twice", _("CPUs owned by vCPUs of two or more guests"), String(before.ownedTwice), String(after.ownedTwice)],
        ["spanning", _("Guests whose vCPUs span nodes"), String(before.spanning), String(after.spanning)],
        ["unpinned", _("Guests with vCPUs free to run anywhere"), String(before.unpinned), String(after.unpinned)],
        ...nodes.map(n => [`node-${n.id}`, format(_("$0: CPUs owned, memory bound"), nodesText([n.id])),
            nodeText(before, n), nodeText(after, n)] as [string, string, string, string]),
    ];
    return (
        <Table aria-label={_("Host before and after")} variant="compact" data-testid="plan-host-totals">
            <Thead><Tr><Th>{_("Host")}</Th><Th>{_("Now")}</Th><Th>{_("After")}</Th></Tr></Thead>
            <Tbody>{rows.map(([k, what, b, a]) => (
                <Tr key={k} data-total={k} data-before={b} data-after={a}><Td>{what}</Td><Td>{b}</Td><Td>{a}</Td></Tr>
            ))}</Tbody>
        </Table>
    );
};

export const PlanHostDialog = ({ guests, host, policy, onClose, onApplied, onBusy, hugepages }: Props) => {
    const key = useRef(`plan-host-${Date.now()}`).current;
    const topo = host.topology;
    const [memMode, setMemMode] = useState<MemMode>("restrictive");
    const [replanAll, setReplanAll] = useState(false);
    const batch = useBatchApply(topo, key, onApplied, onBusy);
    const { busy, outcomes } = batch;

    const computed = useMemo(() => {
        const input: HostGuest[] = guests.map(({ row, movable }) => {
            const { live, saved } = guestRecordNow(row.guest);
            return { key: row.guest.key, name: row.guest.name, config: live ?? saved ?? row.guest.config, fixed: !movable, running: live !== null,
                     devices: ioDeviceNodes(row.io) };
        });
        const plan = planHost({ topology: topo, memoryFreeKiB: host.memoryFree, hugepages: hugepages ?? undefined }, input, { memMode, replanAll });
        const refused = plan.refused.map(r => ({ name: r.guest.name, text: placeRefusalText(r.refusal) }));
        const items: { key: string; plan: ChangePlan; before: string; after: string; session: boolean }[] = [];
        for (const p of plan.placed) {
            const row = guests.find(g => g.row.guest.key === p.guest.key)!.row;
            const { live, saved } = guestRecordNow(row.guest);
            const ref = { connection: row.guest.connection, path: row.guest.path, name: row.guest.name };
            const c = placeChange({ guest: ref, host: topo, live, saved: row.guest.persistent ? saved : null, policy, placement: p.placement });
            if (!c.ok) { refused.push({ name: row.guest.name, text: refusalText(c.refusal) }); continue }
            if (!c.plan.ops.length) continue;
            const sets = [...guestEffective(p.guest.config, topo).vcpus.values()];
            items.push({
                key: row.guest.key, plan: c.plan, session: row.guest.connection === "session",
                before: whereText(host, cpusetUnion(...sets.map(s => s.cpus)), sets.some(s => s.source === "all")),
                after: whereText(host, cpusetUnion(...p.placement.vcpus.values()), false),
            });
        }
        return { plan, items, refused };
    }, [guests, host, topo, policy, memMode, replanAll, hugepages]);
    const { plan, items, refused } = computed;
    const locked = busy || outcomes !== null;

    const run = () => batch.run(items.map(i => ({ key: i.key, plan: i.plan, moveStragglers: i.session })),
        (failed, total) => failed
            ? format(_("Placed $0 of $1 guests; $2 not placed."), total - failed, total, failed)
            : format(cockpit.ngettext("Placed $0 guest.", "Placed $0 guests.", total), total),
        placeVerifyText);

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="large" aria-labelledby="plan-host-title" data-testid="plan-host-dialog">
            <ModalHeader title={_("Plan the host")} labelId="plan-host-title"
                         description={_("Every guest shown that is not placed well gets a node and CPUs of its own; guests placed well stay where they are.")} />
            <ModalBody>
                <Form isHorizontal onSubmit={e => e.preventDefault()}>
                    <FormGroup label={_("Memory")} fieldId="plan-host-memory">
                        <FormSelect id="plan-host-memory" value={memMode} isDisabled={locked} onChange={(_e, v) => setMemMode(v as MemMode)}>
                            {MEM_MODES.map(m => <FormSelectOption key={m} value={m} label={memModeText(m)} />)}
                        </FormSelect>
                        <FormHelperText><HelperText><HelperTextItem>{memModeHelp(memMode)}</HelperTextItem></HelperText></FormHelperText>
                    </FormGroup>
                    <Checkbox id="plan-host-all" isChecked={replanAll} onChange={(_e, c) => setReplanAll(c)} isDisabled={locked} data-testid="plan-host-all"
                              label={_("Plan every guest again, also those placed well")} />
                </Form>
                <Totals host={host} before={plan.before} after={plan.after} />
                {refused.length > 0 && (
                    <Alert variant="warning" isInline data-testid="plan-host-refused"
                           title={format(cockpit.ngettext("$0 guest cannot be placed", "$0 guests cannot be placed", refused.length), refused.length)}>
                        <List>{refused.map(r => <ListItem key={r.name} data-guest={r.name}>{`${r.name}: ${r.text}`}</ListItem>)}</List>
                    </Alert>
                )}
                {items.length === 0
                    ? refused.length > 0 ? null : <Alert variant="success" isInline title={_("Nothing to do: every guest shown is placed well.")} data-testid="plan-host-nothing" />
                    : (
                        <Table aria-label={_("Guests to place")} variant="compact" data-testid="plan-host-guests">
                            <Thead><Tr><Th>{_("Guest")}</Th><Th>{_("vCPUs now")}</Th><Th>{_("vCPUs after")}</Th><Th>{_("Changes")}</Th><Th>{_("Result")}</Th></Tr></Thead>
                            <Tbody>
                                {items.map(it => {
                                    const o = outcomes?.get(it.key);
                                    return (
                                        <Tr key={it.key} data-guest={it.plan.guest.name} data-status={o?.status ?? "pending"} data-after={it.after}>
                                            <Td dataLabel={_("Guest")}>{it.plan.guest.name}</Td>
                                            <Td dataLabel={_("vCPUs now")}>{it.before}</Td>
                                            <Td dataLabel={_("vCPUs after")}>{it.after}</Td>
                                            <Td dataLabel={_("Changes")}>
                                                <ExpandableSection toggleText={format(cockpit.ngettext("$0 change", "$0 changes", it.plan.ops.length), it.plan.ops.length)}>
                                                    {it.plan.ops.map((op, i) => <div key={i}>{opText(op)}</div>)}
                                                    <PlanCommands plan={it.plan} />
                                                </ExpandableSection>
                                            </Td>
                                            <Td dataLabel={_("Result")}>{batchResultText(o, busy)}</Td>
                                        </Tr>
                                    );
                                })}
                            </Tbody>
                        </Table>
                    )}
            </ModalBody>
            <ModalFooter>
                <BatchFooter done={outcomes !== null} busy={busy} canApply={items.length > 0} id="plan-host" onApply={() => void run()} onClose={onClose}
                             exported={{ plans: items.map(i => i.plan), title: _("Plan the host") }}
                             applyText={format(cockpit.ngettext("Place $0 guest", "Place $0 guests", items.length), items.length)} />
            </ModalFooter>
        </Modal>
    );
};
