// "Align emulator threads" for one guest: a view of the change plan for the chosen policy and options (every
// operation with its command), applied through the change engine; a guest changed since the preview shows the new
// preview instead of being written over.
import React, { useMemo, useRef, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { Checkbox } from "@patternfly/react-core/dist/esm/components/Checkbox/index.js";
import { Form, FormGroup, FormHelperText } from "@patternfly/react-core/dist/esm/components/Form/index.js";
import { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
import { HelperText, HelperTextItem } from "@patternfly/react-core/dist/esm/components/HelperText/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { TextInput } from "@patternfly/react-core/dist/esm/components/TextInput/index.js";
import type { ChangeItem, OpResult } from "../change/engine";
import { alignChange, alignLiveCheck, alignTargets } from "../model/align";
import type { ChangePlan, GuestNow, OpCheck } from "../model/change";
import { cpusetFormat } from "../model/cpuset";
import { planAlign, type Plan } from "../model/plan";
import { POLICY_KINDS, type Policy, type PolicyKind } from "../model/policy";
import type { HostTopology } from "../model/topology";
import { alignVerifyText, errorText, partialText, refusalText } from "./changeText";
import type { GuestRow } from "./GuestsTable";
import { _, format } from "./i18n";
import { PlanConflicts, PlanPreview, PlanResults } from "./PlanView";
import { AnsibleExport } from "./AnsibleExport";
import { guestRecordNow } from "../libvirt/guests";
import type { UndoItem } from "./useToasts";
import { usePlanApply } from "./usePlanApply";
import { policyHelp, policyName } from "./words";

/** The align plan of a row, from the guest as the page has it (or as re-read, when `now` is given). */
export function planFor(row: GuestRow, host: HostTopology, policy: Policy, now?: GuestNow | null): Plan {
    const { live, saved } = now ?? guestRecordNow(row.guest);
    return planAlign({ host, state: live ? "running" : "shutoff", persistent: row.guest.persistent, live, saved, policy });
}

/** The align operations for a row (from the guest as the page has it), with or without its I/O threads. */
export function alignOpsFor(row: GuestRow, host: HostTopology, plan: Plan, iothreads: boolean) {
    return alignChange({ plan, iothreads, host, ...guestRecordNow(row.guest) });
}

/** What a dialog hands the page after it applied something: a toast, and the Undo of what was applied. */
export interface Applied {
    key: string;
    title: string;
    ok: boolean;
    items: UndoItem[];
}

interface Props {
    row: GuestRow;
    host: HostTopology;
    initialPolicy: Exclude<PolicyKind, "custom">;
    onClose: () => void;
    onApplied: (a: Applied) => void;
}

let dialogs = 0;

export const AlignDialog = ({ row, host, initialPolicy, onClose, onApplied }: Props) => {
    const { guest } = row;
    // one toast (and one Undo) per dialog: "Retry what failed" replaces it
    const key = useRef(`align-${++dialogs}`).current;
    const [policyKind, setPolicyKind] = useState<PolicyKind>(initialPolicy);
    const [custom, setCustom] = useState("");
    // ticked from the start when the emulator threads are in place and only the I/O threads are not
    const [iothreads, setIothreads] = useState(() => {
        const p = planFor(row, host, { kind: initialPolicy });
        return p.kind === "nothing" && alignOpsFor(row, host, p, true).length > 0;
    });
    // a session libvirtd has no cgroups: a live emulatorpin moves only QEMU's main thread, so the rest is moved
    // by the page (as the user, who owns them) unless the user says not to
    const session = guest.connection === "session";
    const [moveStragglers, setMoveStragglers] = useState(session);
    const { busy, now, stale, error, results, checks, failed, run, retry } = usePlanApply(host, key, onApplied);

    const policy: Policy = policyKind === "custom" ? { kind: "custom", cpus: custom } : { kind: policyKind };
    const plan = useMemo(() => planFor(row, host, policy, now), [row, host, policyKind, custom, now]); // eslint-disable-line react-hooks/exhaustive-deps
    const { live, saved } = now ?? guestRecordNow(guest);
    const running = live !== null;
    const hasIOThreads = (live ?? saved ?? guest.config).iothreadIds.length > 0;
    const workers = row.threads?.filter(t => t.role.kind === "vhost" || t.role.kind === "kernel-worker") ?? [];
    const change: ChangePlan = {
        guest: { connection: guest.connection, path: guest.path, name: guest.name },
        ops: alignChange({ plan, iothreads, host, live, saved }),
    };
    const targets = alignTargets(plan);
    const liveTarget = targets.find(t => t.where === "live")?.target;
    const unchanged = plan.kind === "change" ? plan.unchanged : plan.kind === "nothing" ? plan.targets : [];
    const locked = busy || results !== null;
    const willMove = running && moveStragglers && liveTarget !== undefined;

    const check = alignLiveCheck(plan);
    const item: ChangeItem = { plan: change, moveStragglers: willMove, verifyAlso: check ? [check] : [] };
    const appliedText = (all: OpResult[], checks: OpCheck[]) => {
        const verify = alignVerifyText(checks, host);
        const partial = partialText(all);
        return { ok: !partial && verify.ok, title: partial ?? (running ? verify.text : format(_("Aligned $0."), guest.name)) };
    };

    const customError = policyKind === "custom" && plan.kind === "refused" ? refusalText(plan.refusal) : null;
    const verify = results && !failed ? alignVerifyText(checks, host) : null;

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="medium" aria-labelledby="align-title" data-testid="align-dialog">
            <ModalHeader title={format(_("Align emulator threads of $0"), guest.name)} labelId="align-title" />
            <ModalBody>
                <Form onSubmit={e => e.preventDefault()}>
                    <FormGroup label={_("Policy")} fieldId="align-policy">
                        <FormSelect id="align-policy" value={policyKind} isDisabled={locked}
                                    onChange={(_e, v) => setPolicyKind(v as PolicyKind)} data-testid="align-policy">
                            {POLICY_KINDS.map(p => <FormSelectOption key={p} value={p} label={policyName(p)} />)}
                        </FormSelect>
                        <FormHelperText><HelperText><HelperTextItem>{policyHelp(policyKind)}</HelperTextItem></HelperText></FormHelperText>
                    </FormGroup>
                    {policyKind === "custom" && (
                        <FormGroup label={_("CPU list")} fieldId="align-custom">
                            <TextInput id="align-custom" value={custom} onChange={(_e, v) => setCustom(v)} isDisabled={locked}
                                       validated={customError ? "error" : custom ? "success" : "default"} data-testid="align-custom"
                                       placeholder="1,3,5,7-9" />
                            <FormHelperText>
                                <HelperText>
                                    <HelperTextItem variant={customError ? "error" : "default"} data-testid="align-custom-help">
                                        {customError ?? _("libvirt's syntax: numbers, ranges N-M, ^N to leave one out.")}
                                    </HelperTextItem>
                                </HelperText>
                            </FormHelperText>
                        </FormGroup>
                    )}
                    {plan.kind !== "refused" && (running || hasIOThreads) && (
                        <div className="np-options">
                            {hasIOThreads && (
                                <Checkbox id="align-iothreads" label={_("Also align I/O threads (iothreadpin, same target)")}
                                          isChecked={iothreads} onChange={(_e, c) => setIothreads(c)} isDisabled={locked} />
                            )}
                            {running && (session || workers.length > 0 || row.placement.findings.some(f => f.kind === "drift")) && (
                                <Checkbox id="align-move" isChecked={moveStragglers} onChange={(_e, c) => setMoveStragglers(c)} isDisabled={locked}
                                          label={session
                                              ? _("Also move the threads libvirt does not move: without cgroups, your own libvirt session pins only QEMU's main thread")
                                              : _("Also move threads that do not follow (vhost or kernel workers outside the emulator group)")} />
                            )}
                        </div>
                    )}
                </Form>

                {stale && (
                    <PlanConflicts conflicts={stale} title={_("The guest changed since this preview: nothing was written")}>
                        {_("The preview below is for the guest as it is now. Review it, then align again.")}
                    </PlanConflicts>
                )}
                {error && (
                    <Alert variant="danger" isInline title={_("Nothing changed")} data-testid="plan-error">{errorText(error)}</Alert>
                )}
                {plan.kind === "refused" && policyKind !== "custom" && (
                    <Alert variant="warning" isInline title={_("No target under this policy")} data-testid="align-refused">
                        {refusalText(plan.refusal)}
                    </Alert>
                )}
                {plan.kind !== "refused" && change.ops.length === 0 && results === null && (
                    <Alert variant="success" isInline title={_("Nothing to do")} data-testid="align-nothing">
                        {_("The emulator threads are already where this policy puts them, live and in the saved config.")}
                    </Alert>
                )}
                {plan.kind !== "refused" && results === null && (
                    <PlanPreview plan={change} host={host}
                                 unchanged={unchanged.filter(u => !change.ops.some(o => o.kind === "emulator" && o.where === u.where))
                                     .map(u => ({ where: u.where, cpus: u.target, what: _("Emulator threads") }))}
                                 then={willMove ? format(_("Then any thread of the emulator group that did not follow the live pin is moved to CPUs $0 (taskset -pc $0 TID, for each)."),
                                                         cpusetFormat(liveTarget!)) : null} />
                )}
                {results && <PlanResults results={results} checks={checks} host={host} />}
                {failed && (
                    <Alert variant="danger" isInline title={_("Not everything was applied")} data-testid="plan-partial">
                        {partialText(results!)}
                    </Alert>
                )}
                {verify && (
                    <Alert variant={verify.ok ? "success" : "warning"} isInline title={verify.text} data-testid="plan-verify" />
                )}
            </ModalBody>
            <ModalFooter>
                {results === null && (
                    <Button variant="primary" onClick={() => void run(item, appliedText)} isDisabled={busy || change.ops.length === 0 || error?.kind === "vanished"}
                            isLoading={busy} data-testid="align-apply">
                        {_("Align")}
                    </Button>
                )}
                {results === null && <AnsibleExport plans={[change]} title={format(_("Align emulator threads of $0"), guest.name)} isDisabled={busy} />}
                {failed && failed.error?.kind !== "vanished" && (
                    <Button variant="primary" onClick={() => retry(item, appliedText)} isDisabled={busy} isLoading={busy} data-testid="align-retry">
                        {_("Retry what failed")}
                    </Button>
                )}
                <Button variant="link" onClick={onClose} isDisabled={busy} data-testid="align-close">
                    {results ? _("Close") : _("Cancel")}
                </Button>
            </ModalFooter>
        </Modal>
    );
};
