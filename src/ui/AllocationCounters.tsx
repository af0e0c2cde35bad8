// The nodes' page allocation counters (numastat) as rates over the time the page has been open: a small line per
// node and counter, with the latest rate. They count allocations, not accesses: the text says so.
import React from "react";
import { ExpandableSection } from "@patternfly/react-core/dist/esm/components/ExpandableSection/index.js";
import { Table, Thead, Tr, Th, Tbody, Td } from "@patternfly/react-table/dist/esm/components/Table/index.js";
import { COUNTER_KEYS, counterRates, type CounterKey, type CounterSample } from "../model/numastat";
import { _, format } from "./i18n";
import { nodesText } from "./words";

const counterName = (k: CounterKey): string => ({
    hit: _("As intended (numa_hit)"),
    miss: _("Meant for another node (numa_miss)"),
    foreign: _("Went to another node (numa_foreign)"),
    other: _("For a process on another node (other_node)"),
})[k];

const counterHelp = (k: CounterKey): string => ({
    hit: _("Pages allocated on this node for a request that wanted this node."),
    miss: _("Pages allocated on this node although the request wanted another node, which had no free memory."),
    foreign: _("Pages a request wanted from this node but got from another, because this node had no free memory."),
    other: _("Pages allocated on this node for a process running on another node's CPUs."),
})[k];

/** "12 pages/s", "1.2k pages/s" */
// (the "k" goes with the number: in a template, cockpit.format would read "$0k" as a placeholder named "0k")
const rateText = (r: number): string =>
    format(_("$0 pages/s"), r >= 10000 ? `${Math.round(r / 1000)}k` : r >= 1000 ? `${(r / 1000).toFixed(1)}k` : Math.round(r));

/** a line of the rates, scaled to its own largest value */
const Sparkline = ({ values }: { values: number[] }) => {
    const w = 80, h = 18, max = Math.max(...values, 1);
    const points = values.map((v, i) => `${values.length > 1 ? (i * w) / (values.length - 1) : w},${h - 1 - (v / max) * (h - 2)}`).join(" ");
    return (
        <svg className="np-spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
            {values.length > 0 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />}
        </svg>
    );
};

export const AllocationCounters = ({ samples }: { samples: readonly CounterSample[] }) => {
    const [open, setOpen] = React.useState(false);
    const { seconds, nodes } = counterRates(samples);
    if (!nodes.length) return null;
    return (
        <ExpandableSection toggleText={_("Page allocations per node (numastat)")} isExpanded={open} onToggle={(_e, v) => setOpen(v)}
                           data-testid="allocations">
            <p className="np-note">
                {seconds >= 1
                    ? format(_("Pages the kernel allocated on each node per second, over the last $0 s (from /sys/devices/system/node/node*/numastat). They count allocations, not memory accesses: memory allocated before the page opened does not show here."), Math.round(seconds))
                    : _("Pages the kernel allocated on each node per second (from /sys/devices/system/node/node*/numastat), from the next read on. They count allocations, not memory accesses.")}
            </p>
            <Table aria-label={_("Page allocations per node")} variant="compact">
                <Thead>
                    <Tr>
                        <Th>{_("Node")}</Th>
                        {COUNTER_KEYS.map(k => <Th key={k} modifier="wrap" info={{ tooltip: counterHelp(k) }}>{counterName(k)}</Th>)}
                    </Tr>
                </Thead>
                <Tbody>
                    {nodes.map(n => (
                        <Tr key={n.node} data-numastat-node={n.node} data-hit={n.last.hit} data-miss={n.last.miss} data-foreign={n.last.foreign} data-other={n.last.other}>
                            <Td dataLabel={_("Node")}>{nodesText([n.node])}</Td>
                            {COUNTER_KEYS.map(k => {
                                const rates = n.rates[k];
                                const last = rates[rates.length - 1];
                                return (
                                    <Td key={k} dataLabel={counterName(k)} data-rate={last ?? ""}>
                                        <span className="np-rate"><Sparkline values={rates} /> {last !== undefined ? rateText(last) : "—"}</span>
                                    </Td>
                                );
                            })}
                        </Tr>
                    ))}
                </Tbody>
            </Table>
        </ExpandableSection>
    );
};
