// "Align emulator threads" for one guest: preview (policy, current and new CPU sets for the running guest and
// the saved config, the equivalent virsh commands), options, then apply step by step, verify, and report.
import React, { useMemo, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { Checkbox } from "@patternfly/react-core/dist/esm/components/Checkbox/index.js";
import { ClipboardCopy } from "@patternfly/react-core/dist/esm/components/ClipboardCopy/index.js";
import { Form, FormGroup, FormHelperText } from "@patternfly/react-core/dist/esm/components/Form/index.js";
import { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
import { HelperText, HelperTextItem } from "@patternfly/react-core/dist/esm/components/HelperText/index.js";
import { List, ListItem } from "@patternfly/react-core/dist/esm/components/List/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { TextInput } from "@patternfly/react-core/dist/esm/components/TextInput/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { alignOps, type AlignOp, type VerifyResult } from "../model/align";
import { cpusetFormat } from "../model/cpuset";
import { guestIsActive } from "../model/guest";
import { commandText, planAlign, planCommand, type Plan } from "../model/plan";
import { POLICY_KINDS, type Policy, type PolicyKind } from "../model/policy";
import { topologyNodesOf, type HostTopology } from "../model/topology";
import { alignOpsRun, alignVerifyAndMove, type AlignTarget, type OpResult } from "./alignRun";
import { opText, partialText, placeText, refusalText, whereText } from "./alignText";
import type { GuestRow } from "./GuestsTable";
import { policyHelp, policyName } from "./GuestsToolbar";
import { _, format } from "./i18n";
import { roleName } from "./ThreadsTable";
import { nodesText } from "./verdictText";

/** What the page keeps to undo an align: the operations that were applied, against which guest. */
export interface AppliedAlign {
    target: AlignTarget;
    applied: AlignOp[];
}

export function planFor(row: GuestRow, host: HostTopology, policy: Policy): Plan {
    const running = guestIsActive(row.guest.state);
    return planAlign({
        host, state: row.guest.state, persistent: row.guest.persistent,
        live: running ? row.guest.config : null, saved: row.guest.saved, policy,
    });
}

/** "Verified: the 4 emulator threads now run on CPUs 1,3,5 (node 3), with the vCPUs" */
export function verifyText(v: VerifyResult | null, host: HostTopology, target: number[]): string {
    if (!v) return _("Could not read the guest's threads to verify.");
    if (v.ok)
        return format(cockpit.ngettext("Verified: the $0 emulator thread now runs on CPUs $1 ($2), with the vCPUs.",
                                       "Verified: the $0 emulator threads now run on CPUs $1 ($2), with the vCPUs.", v.checked.length),
                      v.checked.length, cpusetFormat(target), nodesText(topologyNodesOf(host, target)));
    return format(_("Not every thread followed: $0"),
                  v.notFollowing.map(t => format(_("$0 “$1” ($2) on CPUs $3"), t.tid, t.comm, roleName(t.role), cpusetFormat(t.cpus))).join("; "));
}

interface Props {
    row: GuestRow;
    host: HostTopology;
    initialPolicy: Exclude<PolicyKind, "custom">;
    onClose: () => void;
    onApplied: (a: AppliedAlign, summary: string) => void;
}

export const AlignDialog = ({ row, host, initialPolicy, onClose, onApplied }: Props) => {
    const { guest } = row;
    const [policyKind, setPolicyKind] = useState<PolicyKind>(initialPolicy);
    const [custom, setCustom] = useState("");
    const [iothreads, setIothreads] = useState(false);
    // a session libvirtd has no cgroups: a live emulatorpin moves only QEMU's main thread, so the rest is moved
    // by the page (as the user, who owns them) unless the user says not to
    const session = guest.bus === "session";
    const [moveStragglers, setMoveStragglers] = useState(session);
    const [busy, setBusy] = useState(false);
    const [results, setResults] = useState<OpResult[] | null>(null);
    const [verify, setVerify] = useState<{ text: string; ok: boolean } | null>(null);

    const policy: Policy = policyKind === "custom" ? { kind: "custom", cpus: custom } : { kind: policyKind };
    const plan = useMemo(() => planFor(row, host, policy), [row, host, policyKind, custom]); // eslint-disable-line react-hooks/exhaustive-deps
    const running = guestIsActive(guest.state);
    const hasIOThreads = (guest.config.iothreadIds.length > 0);
    const workers = row.threads?.filter(t => t.role.kind === "vhost" || t.role.kind === "kernel-worker") ?? [];
    const ops = plan.kind === "refused" ? [] : alignOps({ plan, options: { iothreads }, host, live: running ? guest.config : null, saved: guest.saved });
    const liveTarget = plan.kind === "change" ? plan.steps.find(s => s.where === "live")?.target ?? plan.unchanged.find(s => s.where === "live")?.target
        : plan.kind === "nothing" ? plan.targets.find(s => s.where === "live")?.target : undefined;
    const target: AlignTarget = { bus: guest.bus, path: guest.path, name: guest.name, cpuCount: host.cpuCount };
    const failed = results?.find(r => r.status === "failed");

    const run = async (toRun: AlignOp[], earlier: OpResult[]) => {
        setBusy(true);
        setVerify(null);
        const res = [...earlier, ...await alignOpsRun(target, toRun)];
        setResults(res);
        const applied = res.filter(r => r.status === "applied").map(r => r.op);
        if (!res.some(r => r.status === "failed")) {
            let summary = format(_("Aligned $0."), guest.name);
            if (running && liveTarget) {
                const { verify: v, moved } = await alignVerifyAndMove(target, liveTarget, { iothreads, moveStragglers });
                if (moved) {
                    setResults([...res, moved]);
                    if (moved.status === "applied") applied.push(moved.op);
                }
                const text = verifyText(v, host, liveTarget);
                setVerify({ text, ok: Boolean(v?.ok) });
                summary = text;
            }
            onApplied({ target, applied }, summary);
        } else if (applied.length) {
            onApplied({ target, applied }, partialText(res) ?? "");
        }
        setBusy(false);
    };

    const retry = () => {
        if (!results || !failed) return;
        const done = results.filter(r => r.status === "applied");
        void run(results.filter(r => r.status !== "applied").map(r => r.op), done);
    };

    const customError = policyKind === "custom" && plan.kind === "refused" ? refusalText(plan.refusal) : null;
    const sides = plan.kind === "change" ? [...plan.steps.map(s => ({ where: s.where, current: s.current, target: s.target, changes: true })),
        ...plan.unchanged.map(u => ({ where: u.where, current: u.target, target: u.target, changes: false }))]
        : [];

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="medium" aria-labelledby="align-title" data-testid="align-dialog">
            <ModalHeader title={format(_("Align emulator threads of $0"), guest.name)} labelId="align-title" />
            <ModalBody>
                <Form onSubmit={e => e.preventDefault()}>
                    <FormGroup label={_("Policy")} fieldId="align-policy">
                        <FormSelect id="align-policy" value={policyKind} isDisabled={busy || results !== null}
                                    onChange={(_e, v) => setPolicyKind(v as PolicyKind)} data-testid="align-policy">
                            {POLICY_KINDS.map(p => <FormSelectOption key={p} value={p} label={policyName(p)} />)}
                        </FormSelect>
                        <FormHelperText><HelperText><HelperTextItem>{policyHelp(policyKind)}</HelperTextItem></HelperText></FormHelperText>
                    </FormGroup>
                    {policyKind === "custom" && (
                        <FormGroup label={_("CPU list")} fieldId="align-custom">
                            <TextInput id="align-custom" value={custom} onChange={(_e, v) => setCustom(v)} isDisabled={busy || results !== null}
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
                </Form>

                {plan.kind === "refused" && policyKind !== "custom" && (
                    <Alert variant="warning" isInline title={_("No target under this policy")} data-testid="align-refused">
                        {refusalText(plan.refusal)}
                    </Alert>
                )}
                {plan.kind === "nothing" && results === null && (
                    <Alert variant="success" isInline title={_("Nothing to do")} data-testid="align-nothing">
                        {_("The emulator threads are already where this policy puts them, live and in the saved config.")}
                    </Alert>
                )}
                {sides.length > 0 && (
                    <Table aria-label={_("Changes")} variant="compact" data-testid="align-preview">
                        <Thead><Tr><Th>{_("Where")}</Th><Th>{_("Now")}</Th><Th>{_("After")}</Th></Tr></Thead>
                        <Tbody>
                            {sides.map(s => (
                                <Tr key={s.where} data-where={s.where} data-target={cpusetFormat(s.target)}>
                                    <Td>{whereText(s.where)}</Td>
                                    <Td>{placeText(host, s.current)}</Td>
                                    <Td>{s.changes ? placeText(host, s.target) : _("unchanged")}</Td>
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>
                )}
                {ops.length > 0 && (
                    <>
                        <p className="np-note">{_("The same with virsh:")}</p>
                        {ops.filter(o => o.kind === "emulator").map(o => (
                            <ClipboardCopy key={o.kind + o.where} isReadOnly hoverTip={_("Copy")} clickTip={_("Copied")}
                                           data-testid={`align-command-${o.where}`}>
                                {commandText(planCommand(guest.name, o.where, cpusetFormat(o.target), guest.bus))}
                            </ClipboardCopy>
                        ))}
                    </>
                )}
                {plan.kind !== "refused" && (running || hasIOThreads) && (
                    <div className="np-options">
                        {hasIOThreads && (
                            <Checkbox id="align-iothreads" label={_("Also align I/O threads (iothreadpin, same target)")}
                                      isChecked={iothreads} onChange={(_e, c) => setIothreads(c)} isDisabled={busy || results !== null} />
                        )}
                        {running && (session || workers.length > 0 || row.placement.findings.some(f => f.kind === "drift")) && (
                            <Checkbox id="align-move" isChecked={moveStragglers} onChange={(_e, c) => setMoveStragglers(c)}
                                      isDisabled={busy || results !== null}
                                      label={session
                                          ? _("Also move the threads libvirt does not move: without cgroups, your own libvirt session pins only QEMU's main thread")
                                          : _("Also move threads that do not follow (vhost or kernel workers outside the emulator group)")} />
                        )}
                    </div>
                )}
                {results && (
                    <List isPlain data-testid="align-results">
                        {results.map((r, i) => (
                            <ListItem key={i} data-status={r.status} data-op={r.op.kind === "move-threads" ? "move" : `${r.op.kind}-${r.op.where}`}>
                                {r.status === "applied" ? "✔ " : r.status === "failed" ? "✘ " : "– "}
                                {opText(r.op)}
                                {r.status === "failed" && `: ${r.errorKind === "vanished" ? _("the guest no longer exists") : r.error}`}
                                {r.status === "not-run" && ` (${_("not applied")})`}
                            </ListItem>
                        ))}
                    </List>
                )}
                {failed && (
                    <Alert variant="danger" isInline title={_("Not everything was applied")} data-testid="align-partial">
                        {partialText(results!)}
                    </Alert>
                )}
                {verify && (
                    <Alert variant={verify.ok ? "success" : "warning"} isInline title={verify.text} data-testid="align-verify" />
                )}
            </ModalBody>
            <ModalFooter>
                {results === null && (
                    <Button variant="primary" onClick={() => void run(ops, [])} isDisabled={busy || ops.length === 0 || plan.kind !== "change" && !iothreads}
                            isLoading={busy} data-testid="align-apply">
                        {_("Align")}
                    </Button>
                )}
                {failed && failed.errorKind !== "vanished" && (
                    <Button variant="primary" onClick={retry} isDisabled={busy} isLoading={busy} data-testid="align-retry">
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
