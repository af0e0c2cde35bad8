// The report downloaded from the NUMA lab's page: valid against the committed schema, its verdicts the page's, its
// nodes and guests as lscpu and virsh inside the lab have them.
import { expect } from "vitest";
import type { Frame, Page } from "playwright-core";
import { downloadText, pageVerdicts, reportValidate } from "../e2e/report";
import { labGuests, labNodes } from "./lab";

export async function reportCheck(page: Page, frame: Frame): Promise<void> {
    // the report holds what the page has read: wait for its read of the devices (rhel64's NIC on another node)
    await frame.waitForSelector("tr[data-guest=rhel64][data-findings~=device-elsewhere]", { timeout: 300000, state: "attached" });
    const report = JSON.parse((await downloadText(page, frame, "download-json")).text);
    expect(reportValidate(report), JSON.stringify(reportValidate.errors)).toBe(true);
    const nodes = await labNodes();
    const sorted = (list: string) => list.split(",").map(Number).sort((a, b) => a - b).join(",");
    expect(report.host.nodes.map((n: { id: number; cpus: string }) => [n.id, sorted(n.cpus)])).toEqual([...nodes].map(([id, list]) => [id, sorted(list)]));
    const guests = await labGuests();
    const system = report.guests.filter((g: { connection: string }) => g.connection === "system");
    expect(new Map(system.map((g: { name: string; state: string }) => [g.name, g.state === "running" ? "running" : "shut off"])))
        .toEqual(new Map([...guests].map(([n, s]) => [n, s === "running" ? "running" : "shut off"])));
    const verdicts = await pageVerdicts(frame);
    for (const g of report.guests) expect(g.verdict.kind, g.name).toBe(verdicts.get(g.name));
    // the article's guest: its vCPUs on node 3 and its NIC's path to node 0
    const rhel64 = system.find((g: { name: string }) => g.name === "rhel64");
    expect(rhel64.actual.vcpus.nodes).toEqual([3]);
    expect(rhel64.devices.nics.flatMap((n: { physical: { node: number | null }[] }) => n.physical.map(p => p.node))).toContain(0);
}
