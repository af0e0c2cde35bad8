// Small helpers over the standard DOMParser for the model's XML readers (capabilities, domain XML).

export class XmlError extends Error {
    constructor(what: string, detail: string) {
        super(`${what}: ${detail}`);
        this.name = "XmlError";
    }
}

export function xmlParse(text: string, what: string, root: string): Element {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const err = doc.getElementsByTagName("parsererror")[0];
    if (err)
        throw new XmlError(what, (err.textContent ?? "not well-formed XML").trim().split("\n")[0] ?? "");
    const el = doc.documentElement;
    if (!el || el.tagName !== root)
        throw new XmlError(what, `expected a <${root}> document, found <${el?.tagName ?? "nothing"}>`);
    return el;
}

/** Direct children of el with the given tag. */
export function children(el: Element | null | undefined, tag: string): Element[] {
    if (!el) return [];
    return Array.from(el.children).filter(c => c.tagName === tag);
}

export function child(el: Element | null | undefined, ...path: string[]): Element | null {
    let cur: Element | null | undefined = el;
    for (const tag of path)
        cur = children(cur, tag)[0];
    return cur ?? null;
}

export function intAttr(el: Element | null, name: string): number | null {
    const v = el?.getAttribute(name);
    if (v === null || v === undefined || !/^-?\d+$/.test(v.trim())) return null;
    return Number(v);
}

/** A size with libvirt's unit attribute, in KiB. */
export function kibOf(el: Element | null, valueAttr?: string): number | null {
    if (!el) return null;
    const raw = (valueAttr ? el.getAttribute(valueAttr) : el.textContent)?.trim() ?? "";
    if (!/^\d+$/.test(raw)) return null;
    const unit = (el.getAttribute("unit") ?? "KiB").toLowerCase();
    const factor: Record<string, number> = {
        b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024,
        g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024, t: 1024 ** 3, tib: 1024 ** 3, tb: 1e12 / 1024,
    };
    return Number(raw) * (factor[unit] ?? 1);
}
