// A change plan as the admin sees it: before it runs, every operation with its value now and after and the
// equivalent commands; after it ran, each operation's result and what the kernel and the saved XML show.
import React from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { ClipboardCopy } from "@patternfly/react-core/dist/esm/components/ClipboardCopy/index.js";
import { List, ListItem } from "@patternfly/react-core/dist/esm/components/List/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { OpResult } from "../change/engine";
import { memtuneKey } from "../model/numatune";
import { commandText, opCommands, type ChangeOp, type ChangePlan, type Conflict, type OpCheck, type Where } from "../model/change";
import { cpusetFormat } from "../model/cpuset";
import type { HostTopology } from "../model/topology";
import { checkText, conflictText, memoryAfter, errorText, opKey, opSubject, opText, partialText, placeText, STATUS_TEXT, valueText, whereText, type Status } from "./changeText";
import { _ } from "./i18n";
import { memoryByNodeText } from "./words";
import { AnsibleExport } from "./AnsibleExport";

/** "command-live", "command-iothread-2-config", "command-move-1": one per command shown */
function commandId(op: ChangeOp, i: number): string {
    switch (op.kind) {
    case "emulator": return `command-${op.where}`;
    case "iothread": case "vcpu": return `command-${op.kind}-${op.id}-${op.where}`;
    case "numatune": return "command-numatune";
    case "move-threads": return `command-move-${i}`;
    case "memory": return "command-memory";
    }
}

/** The "After" cell: CPUs, a memory binding, or the memory per node once moved */
const afterText = (op: ChangeOp, host: HostTopology): string =>
    op.kind === "memory" ? memoryByNodeText(memoryAfter(op)) : valueText(host, op.after);

const targetOf = (op: ChangeOp): string =>
    op.kind === "memory" ? cpusetFormat(op.to) : Array.isArray(op.after) ? cpusetFormat(op.after) : memtuneKey(op.after);

/** The "Now" cell: CPUs (and whether they are a pin), a memory binding, or the moved threads' CPUs */
function nowText(op: ChangeOp, host: HostTopology): string {
    switch (op.kind) {
    case "move-threads": return [...new Set(op.threads.map(t => cpusetFormat(t.before)))].join("; ");
    case "numatune": return valueText(host, op.before);
    case "memory": return memoryByNodeText(op.before);
    default: return placeText(host, op.before) + (op.beforePinned ? "" : ` — ${_("not pinned")}`);
    }
}

interface PreviewProps {
    plan: ChangePlan;
    host: HostTopology;
    /** sides the plan leaves as they are, shown so that the admin sees the whole guest */
    unchanged?: { where: Where; cpus: number[]; what: string }[];
    /** an operation that may follow, decided after the others: said with its condition */
    then?: string | null;
}

export const PlanPreview = ({ plan, host, unchanged = [], then = null }: PreviewProps) => (
    <>
        <Table aria-label={_("Changes")} variant="compact" data-testid="plan-preview">
            <Thead><Tr><Th>{_("What")}</Th><Th>{_("Where")}</Th><Th>{_("Now")}</Th><Th>{_("After")}</Th></Tr></Thead>
            <Tbody>
                {plan.ops.map((op, i) => (
                    <Tr key={i} data-op={opKey(op)} data-where={op.where} data-target={targetOf(op)}>
                        <Td dataLabel={_("What")}>{opSubject(op)}</Td>
                        <Td dataLabel={_("Where")}>{whereText(op.where)}</Td>
                        <Td dataLabel={_("Now")}>{nowText(op, host)}</Td>
                        <Td dataLabel={_("After")}>{afterText(op, host)}</Td>
                    </Tr>
                ))}
                {unchanged.map(u => (
                    <Tr key={`unchanged-${u.where}-${u.what}`} data-op="unchanged" data-where-unchanged={u.where}>
                        <Td dataLabel={_("What")}>{u.what}</Td>
                        <Td dataLabel={_("Where")}>{whereText(u.where)}</Td>
                        <Td dataLabel={_("Now")}>{placeText(host, u.cpus)}</Td>
                        <Td dataLabel={_("After")}>{_("unchanged")}</Td>
                    </Tr>
                ))}
            </Tbody>
        </Table>
        {(plan.ops.length > 0 || then) && <p className="np-note">{_("The same with commands:")}</p>}
        {plan.ops.flatMap((op, i) => opCommands(op, plan.guest).map((argv, k) => (
            <ClipboardCopy key={`${i}-${k}`} isReadOnly hoverTip={_("Copy")} clickTip={_("Copied")} data-testid={commandId(op, i)}>
                {commandText(argv)}
            </ClipboardCopy>
        )))}
        {then && <p className="np-note" data-testid="plan-then">{then}</p>}
    </>
);

export const PlanConflicts = ({ conflicts, title, children }: { conflicts: Conflict[]; title: string; children?: React.ReactNode }) => (
    <Alert variant="warning" isInline title={title} data-testid="plan-conflicts">
        <List>{conflicts.map((c, i) => <ListItem key={i}>{conflictText(c)}</ListItem>)}</List>
        {children}
    </Alert>
);

const MARK = { applied: "✔ ", failed: "✘ ", "not-run": "– " } as const;

export const PlanResults = ({ results, checks, host }: { results: OpResult[]; checks: OpCheck[]; host: HostTopology }) => (
    <List isPlain data-testid="plan-results">
        {results.map((r, i) => {
            const check = checks.find(c => c.op === r.op);
            return (
                <ListItem key={i} data-status={r.status} data-op={opKey(r.op)} data-check={check?.status ?? ""}>
                    {MARK[r.status]}
                    {opText(r.op)}
                    {r.status === "failed" && r.error && `: ${errorText(r.error)}`}
                    {r.status === "not-run" && ` (${_("not applied")})`}
                    {check && check.status !== "verified" && <><br /><small>{checkText(check, host)}</small></>}
                </ListItem>
            );
        })}
    </List>
);

/** A batch row's commands, one per line, to copy */
export const PlanCommands = ({ plan }: { plan: ChangePlan }) => (
    <pre className="np-commands">{plan.ops.flatMap(op => opCommands(op, plan.guest)).map(commandText).join("\n")}</pre>
);

/** A batch row's result: "verified: …", "in progress…" while the batch runs, or a dash */
export const batchResultText = (o: { status: Status; text: string } | undefined, busy: boolean): string =>
    o ? `${STATUS_TEXT()[o.status]}: ${o.text}` : busy ? _("in progress…") : "—";

/** A batch dialog's buttons: apply until it ran, then only Close */
export const BatchFooter = ({ done, busy, canApply, applyText, id, onApply, onClose, exported }: {
    done: boolean; busy: boolean; canApply: boolean; applyText: string; id: string; onApply: () => void; onClose: () => void;
    /** the plans "Export as Ansible" writes, with the playbook's title */
    exported?: { plans: ChangePlan[]; title: string };
}) => (
    <>
        {!done && (
            <Button variant="primary" onClick={onApply} isLoading={busy} isDisabled={busy || !canApply} data-testid={`${id}-apply`}>{applyText}</Button>
        )}
        {!done && exported && <AnsibleExport plans={exported.plans} title={exported.title} isDisabled={busy} />}
        <Button variant="link" onClick={onClose} isDisabled={busy} data-testid={`${id}-close`}>{done ? _("Close") : _("Cancel")}</Button>
    </>
);

/** A single guest's outcome once its plan ran: each operation's result, what failed, the verification */
export const PlanOutcome = ({ results, checks, host, verify }: {
    results: OpResult[] | null; checks: OpCheck[]; host: HostTopology; verify: { text: string; ok: boolean } | null;
}) => (
    <>
        {results && <PlanResults results={results} checks={checks} host={host} />}
        {results && partialText(results) && <Alert variant="danger" isInline title={_("Not everything was applied")} data-testid="plan-partial">{partialText(results)}</Alert>}
        {verify && <Alert variant={verify.ok ? "success" : "warning"} isInline title={verify.text} data-testid="plan-verify" />}
    </>
);

/** A single guest's dialog buttons: apply until it ran, "Retry what failed" after a failure, Close or Cancel */
export const PlanFooter = ({ id, applyText, ran, busy, canApply, canRetry, onApply, onRetry, onClose, exported }: {
    id: string; applyText: string; ran: boolean; busy: boolean; canApply: boolean; canRetry: boolean;
    onApply: () => void; onRetry: () => void; onClose: () => void;
    /** the plan "Export as Ansible" writes, with the playbook's title */
    exported?: { plans: ChangePlan[]; title: string };
}) => (
    <>
        {!ran && (
            <Button variant="primary" onClick={onApply} isLoading={busy} data-testid={`${id}-apply`} isDisabled={busy || !canApply}>{applyText}</Button>
        )}
        {!ran && exported && <AnsibleExport plans={exported.plans} title={exported.title} isDisabled={busy || !canApply} />}
        {canRetry && (
            <Button variant="primary" onClick={onRetry} isDisabled={busy} isLoading={busy} data-testid={`${id}-retry`}>{_("Retry what failed")}</Button>
        )}
        <Button variant="link" onClick={onClose} isDisabled={busy} data-testid={`${id}-close`}>{ran ? _("Close") : _("Cancel")}</Button>
    </>
);
