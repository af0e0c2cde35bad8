// One guest's threads: TID, name, role, configured and actual CPUs, NUMA nodes, LLC groups; drift highlighted.
import React from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Label } from "@patternfly/react-core/dist/esm/components/Label/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { cpusetFormat } from "../model/cpuset";
import type { GuestPlacement } from "../model/placement";
import { threadDrifts, threadExpected, type GuestThread } from "../model/threads";
import { topologyLlcsOf, topologyNodesOf, type HostTopology } from "../model/topology";
import { _, format } from "./i18n";
import { roleName } from "./words";

interface Props {
    host: HostTopology;
    threads: GuestThread[];
    placement: GuestPlacement;
}

export const ThreadsTable = ({ host, threads, placement }: Props) => {
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
                    </Tr>
                </Thead>
                <Tbody>
                    {threads.map(t => {
                        const exp = threadExpected(t.role, placement.effective);
                        const drift = drifting.includes(t);
                        return (
                            <Tr key={t.tid} data-tid={t.tid} data-role={t.role.kind} data-actual={cpusetFormat(t.cpus)}
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
                            </Tr>
                        );
                    })}
                </Tbody>
            </Table>
        </div>
    );
};
