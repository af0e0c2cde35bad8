// The guests table: name, state, vCPUs, emulator, verdict.
import React from "react";
import { Label } from "@patternfly/react-core/dist/esm/components/Label/index.js";
import { Tooltip } from "@patternfly/react-core/dist/esm/components/Tooltip/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { GuestRecord } from "../libvirt/guests";
import { cpusetFormat } from "../model/cpuset";
import type { GroupPlacement, GuestPlacement } from "../model/placement";
import type { PolicyKind } from "../model/policy";
import type { GuestState } from "../model/guest";
import { _ } from "./i18n";
import { findingSentence, nodesText, verdictLabel } from "./verdictText";

export interface GuestRow {
    guest: GuestRecord;
    placement: GuestPlacement;
}

export function stateText(state: GuestState): string {
    switch (state) {
    case "running": return _("Running");
    case "paused": return _("Paused");
    case "shutoff": return _("Shut off");
    default: return _("Other");
    }
}

const GroupCell = ({ group, unpinnedText }: { group: GroupPlacement; unpinnedText: string }) => (
    <>
        <span data-cpus={cpusetFormat(group.cpus)}>{group.source === "all" ? unpinnedText : cpusetFormat(group.cpus)}</span>
        <br />
        <small>{nodesText(group.nodes)}</small>
    </>
);

interface Props {
    rows: GuestRow[];
    policy: PolicyKind;
    selected: string | null;
    onSelect: (path: string | null) => void;
}

export const GuestsTable = ({ rows, policy, selected, onSelect }: Props) => (
    <Table aria-label={_("Virtual machines")} variant="compact" data-testid="guests">
        <Thead>
            <Tr>
                <Th>{_("Name")}</Th>
                <Th>{_("State")}</Th>
                <Th>{_("vCPUs")}</Th>
                <Th>{_("vCPU placement")}</Th>
                <Th>{_("Emulator threads")}</Th>
                <Th>{_("Verdict")}</Th>
            </Tr>
        </Thead>
        <Tbody>
            {rows.map(({ guest, placement }) => {
                const label = verdictLabel(placement.verdict.kind);
                return (
                    <Tr key={guest.path} data-guest={guest.name} data-state={guest.state} data-verdict={placement.verdict.kind}
                        isClickable isRowSelected={selected === guest.path}
                        onRowClick={() => onSelect(selected === guest.path ? null : guest.path)}
                        aria-label={guest.name}>
                        <Td dataLabel={_("Name")}>
                            {guest.name}
                            {!guest.persistent && <> <Label isCompact variant="outline">{_("transient")}</Label></>}
                        </Td>
                        <Td dataLabel={_("State")}>{stateText(guest.state)}</Td>
                        <Td dataLabel={_("vCPUs")} data-vcpus={guest.config.vcpuCurrent}>{guest.config.vcpuCurrent}</Td>
                        <Td dataLabel={_("vCPU placement")}><GroupCell group={placement.vcpus} unpinnedText={_("any CPU")} /></Td>
                        <Td dataLabel={_("Emulator threads")}><GroupCell group={placement.emulator} unpinnedText={_("any CPU")} /></Td>
                        <Td dataLabel={_("Verdict")}>
                            <Tooltip content={findingSentence(placement.verdict, policy)}>
                                <Label color={label.color} tabIndex={0}>{label.text}</Label>
                            </Tooltip>
                        </Td>
                    </Tr>
                );
            })}
        </Tbody>
    </Table>
);
