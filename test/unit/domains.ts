// Domain XML and hosts for the placement tests: the parts of `virsh dumpxml` that placement reads, written as
// libvirt prints them (https://libvirt.org/formatdomain.html: <memory>, <vcpu>, <cputune>, <cpu><topology>,
// <cpu><numa><cell>).
import { guestParse } from "../../src/model/guest";
import type { PlaceHost } from "../../src/model/place";
import type { HostTopology } from "../../src/model/topology";

const GiB = 1024 * 1024;

/** A domain XML as libvirt prints the parts placement reads: vCPUs, memory, pins, topology, guest NUMA cells. */
export function domainXml(o: { name: string; vcpus: number; memMiB?: number; pins?: string[]; threads?: number; cells?: { cpus: string; memMiB: number }[] }): string {
    const pins = (o.pins ?? []).map((p, i) => `<vcpupin vcpu='${i}' cpuset='${p}'/>`).join("");
    const cells = (o.cells ?? []).map((c, i) => `<cell id='${i}' cpus='${c.cpus}' memory='${c.memMiB}' unit='MiB'/>`).join("");
    const cpu = o.threads || cells
        ? `<cpu>${o.threads ? `<topology sockets='1' cores='${o.vcpus / o.threads}' threads='${o.threads}'/>` : ""}${cells ? `<numa>${cells}</numa>` : ""}</cpu>`
        : "";
    return `<domain type='kvm'><name>${o.name}</name><memory unit='MiB'>${o.memMiB ?? 1024}</memory><vcpu>${o.vcpus}</vcpu>` +
        `${pins ? `<cputune>${pins}</cputune>` : ""}${cpu}</domain>`;
}
export const guest = (o: Parameters<typeof domainXml>[0]) => guestParse(domainXml(o));

/** Free memory per node: the same for every node of the host. */
export const placeHost = (topology: HostTopology, freeGiB = 6): PlaceHost =>
    ({ topology, memoryFreeKiB: new Map(topology.nodes.map(n => [n.id, freeGiB * GiB])) });
