// The host's NUMA map: a box per node with its CPUs as cells, grouped by LLC group, SMT siblings side by side;
// a selected guest's thread groups colour the cells where they may run.
import React from "react";
import { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core/dist/esm/components/Card/index.js";
import { Tooltip } from "@patternfly/react-core/dist/esm/components/Tooltip/index.js";
import type { HostRecord } from "../model/topology";
import { contentionOwnerGuests, type CpuContention } from "../model/contention";
import { cpusetFormat } from "../model/cpuset";
import { mapLayout, MAP_ROLES, type MapRole } from "../model/hostmap";
import type { CounterSample } from "../model/numastat";
import type { HugePages } from "../model/threads";
import { devicesByNode, type HostDevices } from "../model/devices";
import { ioPciDevices, type GuestIoPaths } from "../model/iopath";
import { HugePagesLine, NodeDevices, UnknownNodeDevices, ioNames } from "./MapDevices";
import { AllocationCounters } from "./AllocationCounters";
import { _, format } from "./i18n";
import { roleText, sizeText } from "./words";

interface Props {
    host: HostRecord;
    /** for every online CPU, the running guests' vCPUs that own or share it */
    contention: Map<number, CpuContention>;
    /** CPU -> the selected guest's groups there */
    roles: Map<number, Set<MapRole>> | null;
    guestName: string | null;
    /** the selected running guest's memory per node, KiB (the kernel's count) */
    guestMemory: Map<number, number> | null;
    /** the nodes' allocation counters of the reads so far */
    counters: readonly CounterSample[];
    /** each node's huge pages by size, from the last read (none before the first) */
    hugepages: Map<number, HugePages[]> | null;
    /** the host's NICs and the guests' PCI devices, from the last read */
    devices: HostDevices | null;
    /** the selected guest's I/O path */
    guestIo: GuestIoPaths | null;
}

/** "pinned here: rhel64 vCPU 0, web vCPU 1" */
const ownersText = (use: CpuContention | undefined): string =>
    use?.owners.length ? format(_("pinned here: $0"), use.owners.map(h => format(_("$0 vCPU $1"), h.name, h.vcpu)).join(", ")) : "";

export const HostMap = ({ host, contention, roles, guestName, guestMemory, counters, hugepages, devices, guestIo }: Props) => {
    const nicsByNode = devices ? devicesByNode(devices) : new Map();
    const mine = ioNames(guestIo);
    // the selected guest's PCI devices on a node, as its I/O path resolved them
    const guestPci = (node: number) => (guestIo ? ioPciDevices(guestIo) : []).filter(d => d.node === node).map(d => d.pci);
    const guestTotal = guestMemory ? [...guestMemory.values()].reduce((a, b) => a + b, 0) : 0;
    const topo = host.topology;
    const anyOwned = [...contention.values()].some(u => u.owners.length > 0);
    const anyContended = [...contention.values()].some(u => contentionOwnerGuests(u) > 1);
    const nodes = mapLayout(topo);
    return (
        <Card data-testid="host-map">
            <CardHeader>
                <CardTitle component="h2">
                    {guestName ? format(_("Host NUMA nodes: where $0 may run"), guestName) : _("Host NUMA nodes")}
                </CardTitle>
            </CardHeader>
            <CardBody>
                {!topo.llcKnown && <p className="np-note">{_("This host does not report its last-level caches: CPUs are grouped by NUMA node only.")}</p>}
                <div className="np-map">
                    {nodes.map(n => {
                        const cpus = n.groups.flatMap(g => g.cores.flat());
                        const free = host.memoryFree.get(n.id);
                        const dist = n.distances.map(([id, d]) => format(_("node $0: $1"), id, d)).join(", ");
                        return (
                            <section key={n.id} className="np-node" data-node={n.id} data-cpus={cpusetFormat(cpus)}
                                     aria-label={format(_("NUMA node $0"), n.id)}>
                                <header className="np-node-head">
                                    <Tooltip content={dist ? format(_("Distances: $0"), dist) : _("No distances reported")}>
                                        <strong tabIndex={0}>{format(_("Node $0"), n.id)}</strong>
                                    </Tooltip>
                                    <span className="np-node-cpus">{cpus.length ? format(_("CPUs $0"), cpusetFormat(cpus)) : _("memory only")}</span>
                                    {n.memoryKiB !== null && (
                                        <small className="np-node-mem" data-free-kib={free ?? ""}>
                                            {free !== undefined
                                                ? format(_("$0 of $1 free"), sizeText(free), sizeText(n.memoryKiB))
                                                : sizeText(n.memoryKiB)}
                                        </small>
                                    )}
                                    <HugePagesLine sizes={hugepages?.get(n.id)} />
                                    <NodeDevices nics={nicsByNode.get(n.id) ?? []} pci={guestPci(n.id)} mine={mine} guestName={guestName} />
                                </header>
                                {guestMemory && guestTotal > 0 && (() => {
                                    const kib = guestMemory.get(n.id) ?? 0;
                                    const share = Math.round(100 * kib / guestTotal);
                                    const text = format(_("memory of $0: $1 ($2%)"), guestName ?? "", sizeText(kib), share);
                                    return (
                                        <div className="np-guestmem" data-testid="map-memory" data-kib={kib} title={text}>
                                            <span className="np-guestmem-bar" aria-hidden="true"><span style={{ width: `${share}%` }} /></span>
                                            <small>{text}</small>
                                        </div>
                                    );
                                })()}
                                {n.groups.map(g => (
                                    <div key={String(g.llc)} className="np-llc" data-llc={g.llc ?? ""}>
                                        {g.llc !== null && (
                                            <span className="np-llc-label">
                                                {format(_("L$0 #$1"), topo.llcs[g.llc]!.level, g.llc)}
                                            </span>
                                        )}
                                        <div className="np-cores">
                                            {g.cores.map(core => (
                                                <span key={core[0]} className="np-core">
                                                    {core.map(cpu => {
                                                        const r = roles?.get(cpu);
                                                        const online = topo.cpus.get(cpu)?.online ?? false;
                                                        const use = contention.get(cpu);
                                                        const owners = contentionOwnerGuests(use);
                                                        const label = [format(_("CPU $0"), cpu), !online ? _("offline") : "",
                                                            ...MAP_ROLES.filter(x => r?.has(x)).map(roleText), ownersText(use)].filter(Boolean).join(", ");
                                                        return (
                                                            <span key={cpu} className="np-cpu" data-cpu={cpu} data-online={online} data-owners={owners}
                                                                  data-roles={r ? MAP_ROLES.filter(x => r.has(x)).join(" ") : ""}
                                                                  title={label} aria-label={label} role="img">
                                                                {cpu}
                                                                {owners > 0 && <span className="np-owned" aria-hidden="true">{owners > 1 ? owners : ""}</span>}
                                                                {r && (
                                                                    <span className="np-marks">
                                                                        {MAP_ROLES.filter(x => r.has(x)).map(x => <span key={x} className="np-mark" data-role={x} />)}
                                                                    </span>
                                                                )}
                                                            </span>
                                                        );
                                                    })}
                                                </span>
                                            ))}
                                        </div>
                                    </div>
                                ))}
                            </section>
                        );
                    })}
                </div>
                <UnknownNodeDevices nics={nicsByNode.get("unknown") ?? []} mine={mine} />
                {(roles || anyOwned) && (
                    <ul className="np-legend" aria-label={_("Legend")}>
                        {roles && MAP_ROLES.map(role => (
                            <li key={role}><span className="np-mark np-swatch" data-role={role} aria-hidden="true" />{roleText(role)}</li>
                        ))}
                        {anyOwned && (
                            <li><span className="np-cpu np-swatch-cpu" data-owners={1} aria-hidden="true"><span className="np-owned" /></span>
                                {_("a guest's vCPU is pinned to this CPU alone")}</li>
                        )}
                        {anyContended && (
                            <li data-testid="legend-contended"><span className="np-cpu np-swatch-cpu" data-owners={2} aria-hidden="true"><span className="np-owned">2</span></span>
                                {_("vCPUs of several guests are pinned to this CPU: they take turns")}</li>
                        )}
                    </ul>
                )}
                <AllocationCounters samples={counters} />
            </CardBody>
        </Card>
    );
};
