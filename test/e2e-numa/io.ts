// The I/O path checks of the NUMA lab suite (called from numa.e2e.ts, in its one login): NICs on the map, rhel64's
// path to its NIC on node 0 with the verdict that says so, and the interrupt lines; the truth is /sys and /proc over
// ssh, read the other way round from the page's reader (from each PCI device to its interface, and the interrupt
// lines from /proc/interrupts by the virtio device's name, not from msi_irqs).
import { expect } from "vitest";
import type { Frame } from "playwright-core";
import { labSsh } from "./lab";

interface LabNic { name: string; node: number; irqs: Map<number, string> }

/** every NIC of the lab's host: its PCI device's node and its interrupt lines with the CPUs that serve them */
export async function labNics(): Promise<LabNic[]> {
    const out = await labSsh(`for p in /sys/bus/pci/devices/*; do
        for v in $p/virtio*; do
            [ -d $v/net ] || continue
            echo "NIC $(ls $v/net) $(cat $p/numa_node)"
            for irq in $(awk -v d="\${v##*/}-" 'index($NF, d) == 1 { sub(":", "", $1); print $1 }' /proc/interrupts); do
                echo "IRQ $irq $(cat /proc/irq/$irq/effective_affinity_list)"
            done
        done
    done`);
    const nics: LabNic[] = [];
    for (const line of out.trim().split("\n")) {
        const [kind, a, b] = line.split(" ");
        if (kind === "NIC") nics.push({ name: a!, node: Number(b), irqs: new Map() });
        else if (kind === "IRQ") nics.at(-1)!.irqs.set(Number(a), b!);
    }
    return nics;
}

/** opens a guest's details and waits for its threads */
export async function expandGuest(frame: Frame, guest: string): Promise<void> {
    if (await frame.locator(`tr[data-threads-of="${guest}"] [data-testid=threads]`).count() === 0)
        await frame.click(`tr[data-guest="${guest}"] button[id^="threads"]`);
    await frame.waitForSelector(`tr[data-threads-of="${guest}"] [data-testid=threads] tr[data-tid]`, { timeout: 300000 });
}

export async function ioPathCheck(frame: Frame): Promise<void> {
    const nics = await labNics();
    const onNode = (n: number) => nics.filter(x => x.node === n).map(x => x.name).sort();
    // the lab's NICs as up.sh set them: one on node 0, one on node 3, and the ssh NIC on no known node
    expect(onNode(0)).toHaveLength(1);
    expect(onNode(3)).toHaveLength(1);
    expect(onNode(-1)).toHaveLength(1);
    const mapNics = async (sel: string) => ((await frame.getAttribute(sel, "data-nics", { timeout: 120000 })) ?? "").split(",").filter(Boolean).sort();
    for (const node of [0, 1, 2, 3])
        expect(node === 0 || node === 3 ? await mapNics(`[data-testid=host-map] section[data-node="${node}"] [data-testid=map-nics]`) : [], `node ${node}`).toEqual(onNode(node));
    expect(await frame.locator("[data-testid=host-map] section[data-node='1'] [data-testid=map-nics]").count()).toBe(0);
    expect(await mapNics("[data-testid=map-nics-unknown]")).toEqual(onNode(-1));

    // rhel64: vCPUs on node 3, its NIC in br0 on the node-0 NIC: the finding says so and names them
    const nic0 = onNode(0)[0]!;
    await expandGuest(frame, "rhel64");
    const path = frame.locator(`tr[data-threads-of="rhel64"] [data-testid=io-nic]`);
    expect(await path.getAttribute("data-via")).toBe("br0");
    expect(await path.getAttribute("data-physical")).toBe(`${nic0}:0`);
    expect((await frame.getAttribute("tr[data-guest=rhel64]", "data-findings"))!.split(" ")).toContain("device-elsewhere");
    const finding = await frame.textContent(`tr[data-threads-of="rhel64"] [data-testid=findings] li[data-finding=device-elsewhere]`);
    expect(finding).toContain("br0 on node 0");
    // memory-away's vCPUs are on node 0 with the same NIC: no such finding
    expect((await frame.getAttribute("tr[data-guest=memory-away]", "data-findings"))!.split(" ")).not.toContain("device-elsewhere");

    // the interrupt lines of that NIC and the CPUs serving them, as /proc/irq has them now
    const shown = new Map(((await path.locator(`span[data-nic="${nic0}"]`).getAttribute("data-irqs")) ?? "").split(" ").filter(Boolean)
        .map(p => p.split(":") as [string, string]).map(([q, c]) => [Number(q), c]));
    const truth = (await labNics()).find(n => n.name === nic0)!.irqs;
    expect([...shown.keys()].sort()).toEqual([...truth.keys()].sort());
    for (const [irq, cpus] of truth) expect(shown.get(irq), `IRQ ${irq}`).toBe(cpus);
}
