// Saving text the page made (a report, a playbook) as a file the browser downloads; nothing leaves the browser.

declare const __NP_VERSION__: string;

/** what made the file: the project and the version build.js put in the bundle */
export const TOOL = { name: "cockpit-numa-placement", version: __NP_VERSION__ };

/** "2026-11-30T1204": the time in a file name */
export const fileStamp = (d: Date) => d.toISOString().slice(0, 16).replace(":", "");

export function downloadText(name: string, type: string, text: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}
