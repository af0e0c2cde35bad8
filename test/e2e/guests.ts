// Throw-away guests for tests that change pins: defined (or created) by the test, removed after it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { virsh } from "./host";

export interface TestGuest { name: string; vcpus: number[]; emulator?: string; iothreads?: number }

export function guestXml({ name, vcpus, emulator, iothreads }: TestGuest): string {
    const type = fs.existsSync("/dev/kvm") ? "kvm" : "qemu";
    const pins = vcpus.map((c, i) => `<vcpupin vcpu='${i}' cpuset='${c}'/>`).join("");
    return `<domain type='${type}'><name>${name}</name><memory unit='MiB'>64</memory><vcpu placement='static'>${vcpus.length}</vcpu>
        ${iothreads ? `<iothreads>${iothreads}</iothreads>` : ""}
        <cputune>${pins}${emulator ? `<emulatorpin cpuset='${emulator}'/>` : ""}</cputune>
        <os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>
        <devices><serial type='pty'/><memballoon model='none'/></devices></domain>`;
}

async function withFile<T>(xml: string, fn: (file: string) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-guest-"));
    try {
        fs.writeFileSync(path.join(dir, "g.xml"), xml);
        return await fn(path.join(dir, "g.xml"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** kind: "running" (defined and started), "shutoff" (defined), "transient" (created) */
export async function guestMake(g: TestGuest, kind: "running" | "shutoff" | "transient"): Promise<void> {
    await guestRemove(g.name);
    await withFile(guestXml(g), async file => {
        if (kind === "transient") await virsh("create", file);
        else await virsh("define", file);
    });
    if (kind === "running") await virsh("start", g.name);
}

export async function guestRemove(name: string): Promise<void> {
    try { await virsh("destroy", name) } catch { /* not running */ }
    try { await virsh("undefine", name) } catch { /* not defined */ }
}

/** The saved XML with the parts an align may change taken out, to show nothing else changed. */
export async function savedXmlLessPins(name: string): Promise<string> {
    return (await virsh("dumpxml", "--inactive", name))
        .replace(/\s*<emulatorpin [^>]*\/>/g, "").replace(/\s*<iothreadpin [^>]*\/>/g, "");
}

export async function savedEmulatorpin(name: string): Promise<string | null> {
    return /<emulatorpin cpuset='([^']*)'\/>/.exec(await virsh("dumpxml", "--inactive", name))?.[1] ?? null;
}

export async function liveEmulatorpin(name: string): Promise<string | null> {
    return /<emulatorpin cpuset='([^']*)'\/>/.exec(await virsh("dumpxml", name))?.[1] ?? null;
}
