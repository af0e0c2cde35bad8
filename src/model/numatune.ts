// The saved XML with another <numatune> (https://libvirt.org/formatdomain.html#numa-node-tuning): what the page
// defines when a memory binding has per-cell <memnode> elements or is removed, which SetNumaParameters cannot do.
// Everything else in the XML stays as libvirt printed it. And a binding as the change engine compares it.
import { cpusetFormat } from "./cpuset";
import type { GuestConfig } from "./guest";
import type { Memtune } from "./place";
import { xmlParse } from "./xml";

/** No <numatune>: the guest's memory goes where the kernel puts it. */
export const MEMTUNE_NONE: Memtune = { mode: "none", nodeset: [], memnodes: [] };

/** libvirt's numatune of a config as the change engine compares it. */
export function memtuneOf(config: GuestConfig): Memtune {
    const nt = config.numatune;
    if (!nt) return MEMTUNE_NONE;
    return { mode: nt.mode, nodeset: nt.nodeset ?? [], memnodes: nt.memnodes.map(m => ({ cellid: m.cellid, mode: m.mode, nodeset: m.nodeset })) };
}

/** "restrictive:1" or "strict:1-2;0=strict:1;1=strict:2": for comparing, and for tests (data-target) */
export const memtuneKey = (m: Memtune): string => [`${m.mode}:${cpusetFormat(m.nodeset)}`,
    ...[...m.memnodes].sort((x, y) => x.cellid - y.cellid).map(n => `${n.cellid}=${n.mode}:${cpusetFormat(n.nodeset)}`)].join(";");

export const memtuneEqual = (a: Memtune, b: Memtune): boolean => memtuneKey(a) === memtuneKey(b);

export function numatuneXmlSet(xml: string, m: Memtune): string {
    const root = xmlParse(xml, "domain XML", "domain");
    const doc = root.ownerDocument;
    for (const old of Array.from(root.children).filter(c => c.tagName === "numatune")) root.removeChild(old);
    if (m.mode !== "none") {
        const nt = doc.createElement("numatune");
        const mem = doc.createElement("memory");
        mem.setAttribute("mode", m.mode);
        if (m.nodeset.length) mem.setAttribute("nodeset", cpusetFormat(m.nodeset));
        nt.appendChild(mem);
        for (const n of m.memnodes) {
            const el = doc.createElement("memnode");
            el.setAttribute("cellid", String(n.cellid));
            el.setAttribute("mode", n.mode);
            el.setAttribute("nodeset", cpusetFormat(n.nodeset));
            nt.appendChild(el);
        }
        root.appendChild(nt);
    }
    return new XMLSerializer().serializeToString(doc);
}
