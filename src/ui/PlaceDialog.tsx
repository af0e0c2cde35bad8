// "Place" one guest: where its vCPUs, emulator threads and memory should go (model/place.ts), why, and the change
// plan that puts them there (every operation with its command), applied through the change engine. The admin can
// choose the node, the vCPU mode, the memory mode and a CPU list; what cannot work is refused with the reason.
import type { HugePages } from "../model/threads";
import { ioDeviceNodes } from "../model/iopath";
import React, { useMemo, useRef, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Checkbox } from "@patternfly/react-core/dist/esm/components/Checkbox/index.js";
import { Form, FormGroup, FormHelperText } from "@patternfly/react-core/dist/esm/components/Form/index.js";
import { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
import { Grid } from "@patternfly/react-core/dist/esm/layouts/Grid/index.js";
import { HelperText, HelperTextItem } from "@patternfly/react-core/dist/esm/components/HelperText/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { TextInput } from "@patternfly/react-core/dist/esm/components/TextInput/index.js";
import type { ChangeItem, OpResult } from "../change/engine";
import { guestRecordNow } from "../libvirt/guests";
import type { HostRecord } from "../model/topology";
import type { ChangePlan, OpCheck } from "../model/change";
import type { CpuContention } from "../model/contention";
import { MEM_MODES, placeGuest, type MemMode, type PlaceResult, type VcpuMode } from "../model/place";
import { placeChange, type PlaceChange } from "../model/placechange";
import { POLICY_KINDS, type PolicyKind } from "../model/policy";
import type { Applied } from "./AlignDialog";
import { errorText, memModeText, partialText, refusalText } from "./changeText";
import type { GuestRow } from "./GuestsTable";
import { _, format } from "./i18n";
import { memModeHelp, nodeOptionText, placeRefusalText, placeVerifyText, placeWhyText, vcpuModeHelp, vcpuModeName } from "./placeText";
import { placeInputs } from "./placing";
import { PlanConflicts, PlanFooter, PlanOutcome, PlanPreview } from "./PlanView";
import { usePlanApply } from "./usePlanApply";
import { nodesText, policyName, sizeText } from "./words";

interface Props {
    row: GuestRow;
    host: HostRecord;
    contention: Map<number, CpuContention>;
    initialPolicy: Exclude<PolicyKind, "custom">;
    onClose: () => void;
    onApplied: (a: Applied) => void;
    /** each node's huge pages by size, from the last read */
    hugepages: Map<number, HugePages[]> | null;
}

let dialogs = 0;

export const PlaceDialog = ({ row, host, contention, initialPolicy, onClose, onApplied, hugepages }: Props) => {
    const { guest } = row;
    const topo = host.topology;
    const key = useRef(`place-${++dialogs}`).current;
    const [node, setNode] = useState("");
    const [vcpuMode, setVcpuMode] = useState<VcpuMode>("one-per-vcpu");
    const [memMode, setMemMode] = useState<MemMode>("restrictive");
    const [cpus, setCpus] = useState("");
    const [share, setShare] = useState(false);
    const [policyKind, setPolicyKind] = useState<Exclude<PolicyKind, "custom">>(initialPolicy);
    const { busy, now, stale, error, results, checks, failed, run, retry } = usePlanApply(topo, key, onApplied);

    const { live, saved } = now ?? guestRecordNow(guest);
    const devices = useMemo(() => ioDeviceNodes(row.io), [row.io]);
    const inputs = useMemo(() => placeInputs(host, contention, guest, live, saved, { devices, hugepages }), [host, contention, guest, live, saved, devices, hugepages]);
    const placed: PlaceResult = useMemo(() => placeGuest(inputs.host, inputs.taken, inputs.config, {
        vcpuMode, memMode, nodes: node ? [Number(node)] : null, cpus: cpus || null, shareCpus: share, prefer: inputs.prefer, devices: inputs.devices, resident: inputs.resident,
    }), [inputs, vcpuMode, memMode, node, cpus, share]);
    // what the page proposes by itself, shown in the node choice whatever is chosen
    const proposed = useMemo(() => {
        const p = placeGuest(inputs.host, inputs.taken, inputs.config, { vcpuMode: "one-per-vcpu", memMode, prefer: inputs.prefer, devices: inputs.devices, resident: inputs.resident, shareCpus: share });
        return p.ok ? p.placement.nodes : null;
    }, [inputs, memMode, share]);
    const change: PlaceChange | null = placed.ok
        ? placeChange({ guest: inputs.ref, host: topo, live, saved: guest.persistent ? saved : null, policy: { kind: policyKind }, placement: placed.placement })
        : null;
    const plan: ChangePlan = change?.ok ? change.plan : { guest: inputs.ref, ops: [] };
    const locked = busy || results !== null;
    const running = live !== null;

    const item: ChangeItem = { plan, moveStragglers: guest.connection === "session" };
    const appliedText = (all: OpResult[], checks: OpCheck[]) => {
        const verify = placeVerifyText(checks, topo);
        const partial = partialText(all);
        return { ok: !partial && verify.ok, title: partial ?? format(_("Placed $0. $1"), guest.name, verify.text) };
    };
    const verify = results && !failed ? placeVerifyText(checks, topo) : null;
    const cpusError = cpus && !placed.ok && ["cpus-malformed", "cpus-offline", "cpus-owned", "no-cpus"].includes(placed.refusal.kind)
        ? placeRefusalText(placed.refusal) : null;

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="medium" aria-labelledby="place-title" data-testid="place-dialog">
            <ModalHeader title={format(_("Place $0"), guest.name)} labelId="place-title"
                         description={[format(cockpit.ngettext("$0 vCPU", "$0 vCPUs", inputs.config.vcpuCurrent), inputs.config.vcpuCurrent),
                             inputs.config.memoryKiB !== null ? sizeText(inputs.config.memoryKiB) : null,
                             inputs.config.cells.length ? format(cockpit.ngettext("$0 guest NUMA cell", "$0 guest NUMA cells", inputs.config.cells.length), inputs.config.cells.length) : null,
                         ].filter(Boolean).join(", ")} />
            <ModalBody>
                <Form onSubmit={e => e.preventDefault()}>
                    <Grid hasGutter md={6}>
                    <FormGroup label={_("Node")} fieldId="place-node">
                        <FormSelect id="place-node" value={node} isDisabled={locked || !!cpus} onChange={(_e, v) => setNode(v)} data-testid="place-node">
                            <FormSelectOption value="" label={proposed ? format(_("Proposed: $0"), nodesText(proposed)) : _("Proposed")} />
                            {inputs.nodes.map(n => (
                                <FormSelectOption key={n.id} value={String(n.id)} label={nodeOptionText(n, host.memoryFree.get(n.id))} />
                            ))}
                        </FormSelect>
                    </FormGroup>
                    <FormGroup label={_("vCPUs")} fieldId="place-vcpus">
                        <FormSelect id="place-vcpus" value={vcpuMode} isDisabled={locked} onChange={(_e, v) => setVcpuMode(v as VcpuMode)} data-testid="place-vcpu-mode">
                            {(["one-per-vcpu", "whole-node"] as const).map(m => <FormSelectOption key={m} value={m} label={vcpuModeName(m)} />)}
                        </FormSelect>
                        <FormHelperText><HelperText><HelperTextItem>{vcpuModeHelp(vcpuMode)}</HelperTextItem></HelperText></FormHelperText>
                    </FormGroup>
                    <FormGroup label={_("CPU list")} fieldId="place-cpus">
                        <TextInput id="place-cpus" value={cpus} onChange={(_e, v) => setCpus(v)} isDisabled={locked} data-testid="place-cpus"
                                   validated={cpusError ? "error" : "default"} placeholder={_("optional, e.g. 1,3")} />
                        <FormHelperText><HelperText>
                            <HelperTextItem variant={cpusError ? "error" : "default"} data-testid="place-cpus-help">
                                {cpusError ?? _("Instead of a node: the vCPUs' CPUs, one per vCPU in ascending order (libvirt's syntax).")}
                            </HelperTextItem>
                        </HelperText></FormHelperText>
                    </FormGroup>
                    <FormGroup label={_("Memory")} fieldId="place-memory">
                        <FormSelect id="place-memory" value={memMode} isDisabled={locked} onChange={(_e, v) => setMemMode(v as MemMode)} data-testid="place-mem-mode">
                            {MEM_MODES.map(m => <FormSelectOption key={m} value={m} label={memModeText(m)} />)}
                        </FormSelect>
                        <FormHelperText><HelperText><HelperTextItem>{memModeHelp(memMode)}</HelperTextItem></HelperText></FormHelperText>
                    </FormGroup>
                    <FormGroup label={_("Emulator threads")} fieldId="place-policy">
                        <FormSelect id="place-policy" value={policyKind} isDisabled={locked} data-testid="place-policy"
                                    onChange={(_e, v) => setPolicyKind(v as Exclude<PolicyKind, "custom">)}>
                            {POLICY_KINDS.filter(p => p !== "custom").map(p => <FormSelectOption key={p} value={p} label={policyName(p)} />)}
                        </FormSelect>
                    </FormGroup>
                    </Grid>
                    <Checkbox id="place-share" isChecked={share} onChange={(_e, c) => setShare(c)} isDisabled={locked} data-testid="place-share"
                              label={_("Allow CPUs that other guests' vCPUs are pinned to (both run slower there)")} />
                </Form>

                {stale && (
                    <PlanConflicts conflicts={stale} title={_("The guest changed since this preview: nothing was written")}>
                        {_("The preview below is for the guest as it is now. Review it, then place again.")}
                    </PlanConflicts>
                )}
                {error && <Alert variant="danger" isInline title={_("Nothing changed")} data-testid="plan-error">{errorText(error)}</Alert>}
                {!placed.ok && !cpusError && (
                    <Alert variant="warning" isInline title={_("Cannot place the guest there")} data-testid="place-refused">{placeRefusalText(placed.refusal)}</Alert>
                )}
                {change && !change.ok && (
                    <Alert variant="warning" isInline title={_("No place for the emulator threads under this policy")} data-testid="place-refused">
                        {refusalText(change.refusal)}
                    </Alert>
                )}
                {placed.ok && results === null && (
                    <>
                        <Alert variant="info" isInline isPlain title={placeWhyText(topo, placed.placement)} data-testid="place-why" />
                        {placed.placement.shared.length > 0 && (
                            <Alert variant="warning" isInline title={_("Shares CPUs with other guests")} data-testid="place-shared">
                                {placed.placement.shared.map(s => format(_("CPU $0 ($1)"), s.cpu, s.owners.join(", "))).join("; ")}
                            </Alert>
                        )}
                        {change?.ok && plan.ops.length === 0 && (
                            <Alert variant="success" isInline title={_("Nothing to do")} data-testid="place-nothing">
                                {_("The guest is already placed like this, live and in the saved config.")}
                            </Alert>
                        )}
                        {change?.ok && <PlanPreview plan={plan} host={topo} />}
                        {change?.ok && plan.ops.some(o => o.kind === "numatune") && (
                            <p className="np-note" data-testid="place-memory-note">{running
                                ? _("The memory binding is written to the saved config and applies from the guest's next start; the memory the running guest has now stays where it is.")
                                : _("The memory binding applies when the guest starts.")}</p>
                        )}
                        {running && !guest.persistent && (
                            <p className="np-note" data-testid="place-transient">{_("This guest is transient: only the running guest is changed, and it is gone when the guest stops.")}</p>
                        )}
                    </>
                )}
                <PlanOutcome results={results} checks={checks} host={topo} verify={verify} />
            </ModalBody>
            <ModalFooter>
                <PlanFooter id="place" applyText={_("Place")} exported={{ plans: [plan], title: format(_("Place $0"), guest.name) }} ran={results !== null} busy={busy} canApply={!(plan.ops.length === 0 || error?.kind === "vanished")}
                            canRetry={!!failed && failed.error?.kind !== "vanished"} onApply={() => void run(item, appliedText)}
                            onRetry={() => retry(item, appliedText)} onClose={onClose} />
            </ModalFooter>
        </Modal>
    );
};
