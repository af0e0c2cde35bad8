// Move memory's refusals in the NUMA lab, each checked in the dialog and against the lab: nothing written.
import { expect } from "vitest";
import type { Frame } from "playwright-core";
import { MEMORY_GUEST_REMOVE, labMemory, labSsh, total } from "./lab";

const HUGE = "/sys/devices/system/node/node2/hugepages/hugepages-2048kB/nr_hugepages";

async function refusal(frame: Frame, guest: string): Promise<{ kind: string | null; text: string | null }> {
    await frame.click(`tr[data-guest="${guest}"] [data-testid=move-memory]`);
    const refused = await frame.waitForSelector("[data-testid=memory-move-dialog] [data-testid=memory-move-refused]");
    const out = { kind: await refused.getAttribute("data-refusal"), text: await refused.textContent() };
    expect(await frame.isDisabled("[data-testid=memory-move-apply]")).toBe(true);
    await frame.click("[data-testid=memory-move-close]");
    return out;
}

/**
 * Node 2 (the guest's vCPU's) with less free memory than the guest has elsewhere: the lab reserves 2 MiB huge
 * pages there until about 128 MiB stay free, the map shows it, and Move memory refuses with both figures; the
 * pages are released afterwards. The guest's memory and saved config are unchanged (read in the lab).
 */
export async function moveRefusedNoRoom(frame: Frame, guest: string): Promise<void> {
    const saved = await labSsh(`virsh dumpxml --inactive ${guest}`);
    try {
        await labSsh(`free=$(awk '/MemFree/ { print $4 }' /sys/devices/system/node/node2/meminfo); echo $(( (free - 131072) / 2048 )) > ${HUGE}`);
        const free = Number(/MemFree:\s+(\d+)/.exec(await labSsh("cat /sys/devices/system/node/node2/meminfo"))?.[1]);
        expect(free, "node 2's free KiB after the reservation").toBeLessThan(200 * 1024);
        await frame.waitForFunction(() => Number(document.querySelector("[data-node='2'] [data-free-kib]")?.getAttribute("data-free-kib") || Infinity) < 200 * 1024,
            undefined, { timeout: 300000 });
        const r = await refusal(frame, guest);
        expect(r.kind).toBe("no-memory");
        expect(r.text).toMatch(/Not enough free memory on node 2: it has \d+ MiB free, and moving the memory there needs 2\d\d MiB\.$/);
        expect(await labSsh(`virsh dumpxml --inactive ${guest}`)).toBe(saved);
        const memory = await labMemory(guest);
        expect((memory.get(0) ?? 0) / total(memory), "still on node 0").toBeGreaterThan(0.9);
    } finally {
        await labSsh(`echo 0 > ${HUGE}`);
    }
    await frame.waitForFunction(() => Number(document.querySelector("[data-node='2'] [data-free-kib]")?.getAttribute("data-free-kib") || 0) > 400 * 1024,
        undefined, { timeout: 300000 });
}

/** memory-away's memory is bound strict to node 3 while it runs (libvirt refuses a live change of a strict binding) */
export async function moveRefusedBound(frame: Frame): Promise<void> {
    const r = await refusal(frame, "memory-away");
    expect(r.kind).toBe("bound-live");
    expect(r.text).toContain("bound strict (node 3)");
}

/** after the Move memory test, passed or not: its dialogs closed (one left open would stop the next clicks), its guest gone */
export async function moveMemoryCleanup(frame: Frame): Promise<void> {
    for (const close of ["memory-move-close", "undo-close"])
        await frame.locator(`[data-testid=${close}]`).click({ timeout: 5000 }).catch(() => undefined);
    await labSsh(MEMORY_GUEST_REMOVE);
}
