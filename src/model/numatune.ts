// The saved XML with another <numatune> (https://libvirt.org/formatdomain.html#numa-node-tuning): what the page
// defines when a memory binding has per-cell <memnode> elements or is removed, which SetNumaParameters cannot do.
// Everything else in the XML stays as libvirt printed it.
import { cpusetFormat } from "./cpuset";
import type { Memtune } from "./place";
import { xmlParse } from "./xml";

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
