// One guest's threads: TID, name, role, configured and actual CPUs, NUMA nodes, LLC groups, CPU % and the CPU each
// last ran on; drift highlighted. Above them, where each group of threads ran while the page watched.
import React from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Label } from "@patternfly/react-core/dist/esm/components/Label/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { GuestRecord } from "../libvirt/guests";
import { cpusetFormat } from "../model/cpuset";
import { runShares, threadRuns, type RunGroup, type RunShares, type ThreadRun } from "../model/cputime";
import type { GuestPlacement } from "../model/placement";
import { threadDrifts, threadExpected, type GuestThread, type Snapshot } from "../model/threads";
import { topologyLlcsOf, topologyNodesOf, type HostTopology } from "../model/topology";
import { _, format } from "./i18n";
import { nodesText, roleName } from "./words";

interface Props {
    host: HostTopology;
    threads: GuestThread[];
    placement: GuestPlacement;
    /** the last /proc reads, the latest last (the one threads come from) */
    history: readonly Snapshot[];
    guest: Pick<GuestRecord, "name" | "connection">;
}

const groupText = (g: RunGroup): string => ({
    vcpus: _("vCPUs"), emulator: _("emulator threads"), iothreads: _("I/O threads"), vhost: _("vhost workers"),
})[g];

/** "Where they ran over the last 57 s: vCPUs 100% on node 3; emulator threads 60% on node 0, 40% on node 1." */
function runSharesText(shares: RunShares): string {
    const groups = shares.groups.map(g => format(_("$0: $1"), groupText(g.group),
                                                 g.byNode.map(([n, share]) => format(_("$0% on $1"), Math.round(100 * share), nodesText([n]))).join(", ")));
    return shares.seconds >= 1
        ? format(_("Where they last ran, sampled at each read over the last $0 s: $1."), Math.round(shares.seconds), groups.join("; "))
        : format(_("Where they last ran at the last read: $0."), groups.join("; "));
}

/** 0.4 -> "0.4", 37.2 -> "37" */
const percentText = (p: number): string => (p > 0 && p < 10 ? p.toFixed(1) : String(Math.round(p)));

export const ThreadsTable = ({ host, threads, placement, history, guest }: Props) => {
    const latest = history.at(-1);
    const runs = latest ? threadRuns(history.at(-2) ?? null, latest, guest.name, guest.connection) : new Map<number, ThreadRun>();
    const shares = runShares(history, guest.name, guest.connection, host);
    const drifting = threads.filter(t => threadDrifts(t, placement.effective));
    const llcText = (cpus: number[]) => host.llcKnown ? topologyLlcsOf(host, cpus).map(l => "#" + l).join(", ") : _("unknown");
    return (
        <div className="np-threads">
            {drifting.length > 0 && (
                <Alert variant="danger" isInline isPlain data-testid="drift-explained"
                       title={format(cockpit.ngettext("$0 thread runs elsewhere than configured", "$0 threads run elsewhere than configured", drifting.length), drifting.length)}>
                    {_("The kernel lets these threads run on other CPUs than the guest's pinning says, typically a vhost worker that did not follow a live emulatorpin (libvirt moves it only through the cpuset cgroup). Align the emulator threads again with the option to also move threads that did not follow.")}
                </Alert>
            )}
            {shares.groups.length > 0 && <p className="np-note" data-testid="run-shares">{runSharesText(shares)}</p>}
            <Table aria-label={_("Threads")} variant="compact" data-testid="threads">
                <Thead>
                    <Tr>
                        <Th modifier="wrap">{_("TID")}</Th>
                        <Th modifier="wrap">{_("Name")}</Th>
                        <Th modifier="wrap">{_("Role")}</Th>
                        <Th modifier="wrap">{_("Configured CPUs")}</Th>
                        <Th modifier="wrap">{_("Actual CPUs")}</Th>
                        <Th modifier="wrap">{_("NUMA nodes")}</Th>
                        <Th modifier="wrap">{_("LLC groups")}</Th>
                        <Th modifier="wrap" info={{ tooltip: _("Share of one CPU over the last read interval (user and system time)") }}>{_("CPU")}</Th>
                        <Th modifier="wrap">{_("Last ran on")}</Th>
                    </Tr>
                </Thead>
                <Tbody>
                    {threads.map(t => {
                        const exp = threadExpected(t.role, placement.effective);
                        const drift = drifting.includes(t);
                        const run = runs.get(t.tid);
                        const lastNode = run?.lastCpu != null ? host.cpus.get(run.lastCpu)?.node : undefined;
                        return (
                            <Tr key={t.tid} data-tid={t.tid} data-role={t.role.kind} data-actual={cpusetFormat(t.cpus)}
                                data-ticks={t.ticks ?? ""} data-last-cpu={run?.lastCpu ?? ""} data-cpu-percent={run?.percent ?? ""}
                                data-drift={drift} className={drift ? "np-drift" : undefined}>
                                <Td dataLabel={_("TID")}>{t.tid}</Td>
                                <Td dataLabel={_("Name")}>{t.comm}</Td>
                                <Td dataLabel={_("Role")}>{roleName(t.role)}</Td>
                                <Td dataLabel={_("Configured CPUs")}>
                                    {exp.cpus ? (exp.match === "within" ? format(_("within $0"), cpusetFormat(exp.cpus)) : cpusetFormat(exp.cpus)) : _("not set by libvirt")}
                                </Td>
                                <Td dataLabel={_("Actual CPUs")}>
                                    {cpusetFormat(t.cpus)}
                                    {drift && <> <Label color="red" isCompact>{_("Drift")}</Label></>}
                                </Td>
                                <Td dataLabel={_("NUMA nodes")}>{topologyNodesOf(host, t.cpus).join(", ")}</Td>
                                <Td dataLabel={_("LLC groups")}>{llcText(t.cpus)}</Td>
                                <Td dataLabel={_("CPU")}>{run?.percent != null ? format(_("$0%"), percentText(run.percent)) : "—"}</Td>
                                <Td dataLabel={_("Last ran on")}>
                                    {run?.lastCpu != null
                                        ? (lastNode !== undefined ? format(_("CPU $0 ($1)"), run.lastCpu, nodesText([lastNode])) : format(_("CPU $0"), run.lastCpu))
                                        : "—"}
                                </Td>
                            </Tr>
                        );
                    })}
                </Tbody>
            </Table>
        </div>
    );
};
