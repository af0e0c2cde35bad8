// The guests table: name, state, vCPUs, emulator, verdict; a row expands to the guest's threads.
import React, { useState } from "react";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { Label } from "@patternfly/react-core/dist/esm/components/Label/index.js";
import { LazyTooltip } from "./LazyTooltip";
import { Table, Thead, Tr, Th, Tbody, Td, ExpandableRowContent } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import type { GuestRecord } from "../libvirt/guests";
import { cpusetFormat } from "../model/cpuset";
import type { GuestProblem } from "../model/guest";
import type { GuestIoPaths } from "../model/iopath";
import { VERDICT_ORDER, type GroupPlacement, type GuestPlacement } from "../model/placement";
import type { PolicyKind } from "../model/policy";
import type { GuestThread, Snapshot } from "../model/threads";
import type { HostTopology } from "../model/topology";
import { _, format } from "./i18n";
import { guestProblemText, memoryByNodeText, nodesText, stateText } from "./words";
import { ThreadsTable } from "./ThreadsTable";
import { IoPaths } from "./IoPaths";
import { findingSentence, verdictLabel } from "./verdictText";

export interface GuestRow {
    guest: GuestRecord;
    placement: GuestPlacement;
    /** threads from /proc for a running guest; null when not read (shut off, or the reader could not) */
    threads: GuestThread[] | null;
    /** its NICs and PCI devices, down to the host's devices */
    io: GuestIoPaths;
}

const GroupCell = ({ group, unpinnedText, count }: { group: GroupPlacement; unpinnedText: string; count?: number }) => (
    <>
        <span data-cpus={cpusetFormat(group.cpus)}>{group.source === "all" ? unpinnedText : cpusetFormat(group.cpus)}</span>
        <br />
        <small>
            {count !== undefined && <>{format(cockpit.ngettext("$0 vCPU", "$0 vCPUs", count), count)}, </>}
            {nodesText(group.nodes)}
        </small>
    </>
);

interface Props {
    host: HostTopology;
    rows: GuestRow[];
    policy: PolicyKind;
    selected: string | null;
    /** the selected guest's key (GuestRecord.key), or null */
    onSelect: (key: string | null) => void;
    /** why threads are missing for running guests, when the reader said */
    threadsNote: string | null;
    /** the last /proc reads, for CPU % and where the threads ran */
    history: readonly Snapshot[];
    /** whether "Align" is possible for a row, and why not */
    alignState: (row: GuestRow) => { enabled: boolean; reason: string };
    onAlign: (row: GuestRow) => void;
    /** whether "Place" is possible for a row, and why not */
    placeState: (row: GuestRow) => { enabled: boolean; reason: string };
    /** "Move memory": shown for a running guest with memory off its vCPUs' nodes */
    moveState: (row: GuestRow) => { shown: boolean; enabled: boolean; reason: string };
    onMove: (row: GuestRow) => void;
    onPlace: (row: GuestRow) => void;
}

/** verdicts that placing the guest fixes: "Place" is the row's suggested action for them */
const PLACE_VERDICTS = new Set(["vcpus-unpinned", "vcpus-span", "shares-cpus", "device-elsewhere"]);

const COLUMNS = 8;

/** "97% local", "node 3" (measured, vCPUs unpinned), or what numatune allows */
function memoryCellText(p: GuestPlacement): string {
    if (p.memory && p.memory.local !== null) return format(_("$0% local"), Math.round(100 * p.memory.local));
    if (p.memory) return nodesText([...p.memory.byNode].filter(([, k]) => k > 0).map(([n]) => n).sort((a, b) => a - b));
    return p.memoryNodes ? nodesText(p.memoryNodes) : _("any node");
}


/** the problems of the XML the row shows, live and saved, each once */
const guestProblems = (row: GuestRow): GuestProblem[] => {
    const all = [...row.guest.config.problems, ...(row.guest.saved && row.guest.saved !== row.guest.config ? row.guest.saved.problems : [])];
    return all.filter((p, i) => all.findIndex(q => JSON.stringify(q) === JSON.stringify(p)) === i);
};

/** Enter and Space on a button in a clickable row must press the button: the row's own key handler would
 *  select the row and cancel the button's default action. */
const keepKeysInCell = (e: React.KeyboardEvent) => e.stopPropagation();

type SortKey = "name" | "state" | "vcpus" | "emulatorCpus" | "memory" | "verdict";
const SORT_KEYS: SortKey[] = ["name", "state", "vcpus", "emulatorCpus", "memory", "verdict"];

function sortValue(r: GuestRow, key: SortKey): string | number {
    switch (key) {
    case "name": return r.guest.name.toLowerCase();
    case "state": return stateText(r.guest.state);
    case "vcpus": return r.placement.vcpus.cpus[0] ?? -1;
    case "emulatorCpus": return r.placement.emulator.cpus[0] ?? -1;
    // the least local first; guests whose memory was not measured after all, by what numatune allows
    case "memory": return r.placement.memory?.local ?? 2 + (r.placement.memoryNodes?.[0] ?? -1) / 10000;
    case "verdict": return VERDICT_ORDER.indexOf(r.placement.verdict.kind);
    }
}

export const GuestsTable = ({ host, rows, policy, selected, onSelect, threadsNote, history, alignState, onAlign, placeState, onPlace, moveState, onMove }: Props) => {
    const [expanded, setExpanded] = useState<Set<string>>(new Set());
    const [sortBy, setSortBy] = useState<{ index: number; direction: "asc" | "desc" }>({ index: 0, direction: "asc" });
    const key = SORT_KEYS[sortBy.index] ?? "name";
    const sorted = [...rows].sort((a, b) => {
        const x = sortValue(a, key), y = sortValue(b, key);
        const c = x < y ? -1 : x > y ? 1 : a.guest.name.localeCompare(b.guest.name);
        return sortBy.direction === "asc" ? c : -c;
    });
    const sort = (index: number) => ({
        sortBy: { index: sortBy.index, direction: sortBy.direction },
        onSort: (_ev: unknown, i: number, direction: "asc" | "desc") => setSortBy({ index: i, direction }),
        columnIndex: index,
    });
    const toggle = (path: string) => setExpanded(s => {
        const n = new Set(s);
        if (!n.delete(path)) n.add(path);
        return n;
    });
    return (
        <Table aria-label={_("Virtual machines")} variant="compact" data-testid="guests">
            <Thead>
                <Tr>
                    <Th screenReaderText={_("Threads")} />
                    <Th modifier="wrap" sort={sort(0)}>{_("Name")}</Th>
                    <Th modifier="wrap" sort={sort(1)}>{_("State")}</Th>
                    <Th modifier="wrap" sort={sort(2)}>{_("vCPUs")}</Th>
                    <Th modifier="wrap" sort={sort(3)}>{_("Emulator CPUs")}</Th>
                    <Th modifier="wrap" sort={sort(4)}>{_("Memory")}</Th>
                    <Th modifier="wrap" sort={sort(5)}>{_("Verdict")}</Th>
                    <Th screenReaderText={_("Actions")} />
                </Tr>
            </Thead>
            {sorted.map((row, rowIndex) => {
                const { guest, placement, threads } = row;
                const label = verdictLabel(placement.verdict.kind, policy);
                const align = alignState(row);
                const place = placeState(row);
                const move = moveState(row);
                const isExpanded = expanded.has(guest.key);
                return (
                    <Tbody key={guest.key} isExpanded={isExpanded}>
                        <Tr data-guest={guest.name} data-connection={guest.connection} data-state={guest.state} data-verdict={placement.verdict.kind}
                            data-findings={placement.findings.map(f => f.kind).join(" ")}
                            isClickable isRowSelected={selected === guest.key}
                            onRowClick={ev => {
                                // the expand toggle has its own job
                                if ((ev?.target as HTMLElement | undefined)?.closest("button")) return;
                                onSelect(selected === guest.key ? null : guest.key);
                            }}
                            aria-label={guest.name}>
                            <Td expand={{ rowIndex, isExpanded, onToggle: () => toggle(guest.key), expandId: "threads" }}
                                onKeyDown={keepKeysInCell} />
                            <Td dataLabel={_("Name")}>
                                {guest.name}
                                {!guest.persistent && <> <Label isCompact variant="outline">{_("transient")}</Label></>}
                                {guest.connection === "session" && <> <Label isCompact color="blue" data-testid="session-label">{_("your session")}</Label></>}
                                {guestProblems(row).length > 0 && (
                                    <> <LazyTooltip content={guestProblems(row).map(guestProblemText).join(" ")}>
                                        <Label isCompact color="orange" tabIndex={0} data-testid="xml-problem">{_("XML not fully read")}</Label>
                                    </LazyTooltip></>
                                )}
                            </Td>
                            <Td dataLabel={_("State")}>{stateText(guest.state)}</Td>
                            <Td dataLabel={_("vCPUs")} data-vcpus={guest.config.vcpuCurrent}>
                                <GroupCell group={placement.vcpus} unpinnedText={_("any CPU")} count={guest.config.vcpuCurrent} />
                            </Td>
                            <Td dataLabel={_("Emulator CPUs")} data-kernel={placement.kernel ? cpusetFormat(placement.kernel.cpus) : ""}>
                                <GroupCell group={placement.emulator} unpinnedText={_("any CPU")} />
                                {placement.kernel && (
                                    <><br /><small title={_("Where the kernel workers (vhost) may run")}>
                                        {format(_("vhost: $0"), nodesText(placement.kernel.nodes))}
                                    </small></>
                                )}
                            </Td>
                            <Td dataLabel={_("Memory")} data-memory={placement.memoryNodes?.join(",") ?? ""}
                                title={placement.memory ? _("Where the memory is (the kernel's count), against the vCPUs' nodes") : _("Where the memory may be (numatune)")}>
                                <span data-testid="memory-cell" data-local={placement.memory?.local != null ? Math.round(100 * placement.memory.local) : ""}
                                      data-kib={placement.memory ? [...placement.memory.byNode].sort((a, b) => a[0] - b[0]).map(([n, k]) => `${n}:${k}`).join(",") : ""}>
                                    {memoryCellText(placement)}
                                </span>
                                {move.shown && (
                                    <><br /><LazyTooltip content={move.reason}>
                                        <Button variant="link" isInline size="sm" isAriaDisabled={!move.enabled} data-testid="move-memory" data-enabled={move.enabled}
                                                aria-label={format(_("Move the memory of $0"), guest.name)} onClick={() => move.enabled && onMove(row)}
                                                onKeyDown={keepKeysInCell}>
                                            {_("Move memory")}
                                        </Button>
                                    </LazyTooltip></>
                                )}
                            </Td>
                            <Td dataLabel={_("Verdict")}>
                                <LazyTooltip content={findingSentence(placement.verdict, policy)}>
                                    <Label color={label.color} tabIndex={0} className="np-verdict">{label.text}</Label>
                                </LazyTooltip>
                            </Td>
                            <Td dataLabel={_("Actions")} modifier="fitContent" onKeyDown={keepKeysInCell}>
                                <LazyTooltip content={align.reason}>
                                    <Button variant="secondary" size="sm" isAriaDisabled={!align.enabled} data-testid="align"
                                            data-enabled={align.enabled} aria-label={format(_("Align emulator threads of $0"), guest.name)}
                                            onClick={() => align.enabled && onAlign(row)}>
                                        {_("Align")}
                                    </Button>
                                </LazyTooltip>
                                {" "}
                                <LazyTooltip content={place.reason}>
                                    <Button variant={PLACE_VERDICTS.has(placement.verdict.kind) ? "secondary" : "tertiary"} size="sm"
                                            isAriaDisabled={!place.enabled} data-testid="place" data-enabled={place.enabled}
                                            aria-label={format(_("Place $0"), guest.name)} onClick={() => place.enabled && onPlace(row)}>
                                        {_("Place")}
                                    </Button>
                                </LazyTooltip>
                            </Td>
                        </Tr>
                        <Tr isExpanded={isExpanded} data-threads-of={guest.name}>
                            <Td colSpan={COLUMNS}>
                                {isExpanded && (
                                    <ExpandableRowContent>
                                        {placement.memory && (
                                            <p className="np-note" data-testid="memory-by-node">
                                                {format(_("Memory (the kernel's count): $0; numatune: $1."), memoryByNodeText(placement.memory.byNode),
                                                        placement.memoryNodes ? nodesText(placement.memoryNodes) : _("any node"))}
                                            </p>
                                        )}
                                        {placement.findings.length > 1 && (
                                            <ul className="np-io" data-testid="findings" aria-label={_("Findings")}>
                                                {placement.findings.map(f => (
                                                    <li key={f.kind} data-finding={f.kind}>
                                                        <Label isCompact color={verdictLabel(f.kind, policy).color}>{verdictLabel(f.kind, policy).text}</Label>
                                                        {" "}{findingSentence(f, policy)}
                                                    </li>
                                                ))}
                                            </ul>
                                        )}
                                        <IoPaths host={host} io={row.io} placement={placement} />
                                        {threads
                                            ? <ThreadsTable host={host} threads={threads} placement={placement} history={history} guest={guest} />
                                            : <p className="np-note">{guest.state === "shutoff"
                                                ? _("The guest is shut off: it has no threads.")
                                                : (threadsNote ?? _("Reading the threads…"))}</p>}
                                    </ExpandableRowContent>
                                )}
                            </Td>
                        </Tr>
                    </Tbody>
                );
            })}
        </Table>
    );
};
