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
    try {
        await frame.waitForSelector(`tr[data-threads-of="${guest}"] [data-testid=threads] tr[data-tid]`, { timeout: 300000 });
    } catch (e) {
        // what the page said meanwhile: how many reads ended, and the problem it shows about them, if any
        const said = await frame.evaluate(() => {
            const page = document.querySelector("[data-page-status]");
            const problem = document.querySelector("[data-testid=threads-problem]");
            const details = document.querySelector(`[data-threads-of]`);
            const hidden = (window as unknown as { cockpit?: { hidden?: boolean } }).cockpit?.hidden;
            return `page loaded ${Math.round(performance.now() / 1000)} s ago, hidden to Cockpit: ${hidden}, document hidden: ${document.hidden}; ` +
                `reads ended: ${page?.getAttribute("data-refreshes")}, spawns: ${page?.getAttribute("data-spawns")}; ` +
                `problem shown: ${problem ? JSON.stringify(problem.textContent) : "none"}; details: ${JSON.stringify(details?.textContent?.slice(0, 300) ?? null)}`;
        }).catch(f => `(the page could not be asked: ${String(f)})`);
        throw new Error(`${guest}'s threads did not appear; ${said}`, { cause: e });
    }
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

const HUGE_GUEST = `<domain type='kvm'><name>place-huge</name><memory unit='MiB'>64</memory><vcpu placement='static'>1</vcpu>
<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`;
const NODE3_HUGE = "/sys/devices/system/node/node3/hugepages";

/** Huge pages on the map against sysfs, and Place for a shut-off guest backed by 2 MiB pages: node 3, the only node
 *  with free ones (reserved by the test), and a refusal with the numbers when node 0 is chosen. */
export async function hugePagesCheck(frame: Frame): Promise<void> {
    await labSsh(`echo 64 > ${NODE3_HUGE}/hugepages-2048kB/nr_hugepages
        cat > /tmp/place-huge.xml <<'EOF'\n${HUGE_GUEST}\nEOF\nvirsh -q define /tmp/place-huge.xml >/dev/null`);
    try {
        const truth = (await labSsh(`for d in ${NODE3_HUGE}/hugepages-*kB; do s=\${d##*-}; echo "\${s%kB}:$(cat $d/nr_hugepages):$(cat $d/free_hugepages)"; done`))
            .trim().split("\n").sort((a, b) => parseInt(a) - parseInt(b)).join(",");
        expect(truth).toMatch(/(^|,)2048:64:64(,|$)/);
        await frame.waitForFunction(([sel, t]) => document.querySelector(sel!)?.getAttribute("data-hugepages") === t,
                                    ["[data-testid=host-map] section[data-node='3'] [data-testid=map-hugepages]", truth], { timeout: 120000 });
        expect(await frame.textContent("section[data-node='3'] [data-testid=map-hugepages]")).toContain("2 MiB huge pages: 64 of 64 free");

        await frame.click("tr[data-guest=place-huge] [data-testid=place]", { timeout: 120000 });
        const why = await frame.waitForSelector("[data-testid=place-dialog] [data-testid=place-why]", { timeout: 60000 });
        expect(await why.textContent()).toMatch(/\(node 3\).*its 64 MiB of memory fits in 128 MiB of free 2 MiB huge pages/);
        await frame.selectOption("[data-testid=place-node]", "0");
        const refused = await frame.waitForSelector("[data-testid=place-dialog] [data-testid=place-refused]");
        expect(await refused.textContent()).toContain("Not enough free huge pages of 2 MiB: the guest needs 64 MiB in them, node 0 has 0 MiB free.");
    } finally {
        await frame.locator("[data-testid=place-close]").click({ timeout: 5000 }).catch(() => undefined);
        await labSsh(`virsh -q undefine place-huge >/dev/null 2>&1; echo 0 > ${NODE3_HUGE}/hugepages-2048kB/nr_hugepages`);
    }
}
