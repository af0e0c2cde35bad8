// A guest's NICs and PCI devices (guestio.ts) resolved through the host's interfaces (devices.ts, iopath.ts), and
// the verdicts that come of it. Fixtures: domains/io-devices-live.xml, snapshots/devices-article-host.txt (see
// test/fixtures/README.md); the host is the article's (node 3 = CPUs 1,3,5,7,9,11).
import { describe, expect, it } from "vitest";
import { guestParse } from "../../src/model/guest";
import { guestIoPci } from "../../src/model/guestio";
import { ioFarDevices, ioPaths, ioPciDevices } from "../../src/model/iopath";
import { placementCompute } from "../../src/model/placement";
import { snapshotParse } from "../../src/model/threads";
import { fixture, guestOf, hostOf, snapshotOf } from "./fixtures";

const article = hostOf("article-4node");
const web = guestOf("io-devices-live");
const devices = snapshotOf("devices-article-host").devices!;

describe("a guest's I/O devices in its XML", () => {
    it("takes each interface with what carries it on the host, and the PCI host devices with well-formed addresses", () => {
        expect(web.io.nics.map(n => [n.kind, n.source, n.network, n.target, n.pci, n.mac])).toEqual([
            ["bridge", "br0", null, "vnet3", null, "52:54:00:6b:3c:01"],
            ["network", "virbr0", "default", "vnet4", null, "52:54:00:6b:3c:02"],
            ["direct", "ens1f1", null, "macvtap0", null, "52:54:00:6b:3c:03"],
            ["hostdev", null, null, null, "0000:3b:02.1", "52:54:00:6b:3c:04"],
            ["user", null, null, null, null, "52:54:00:6b:3c:05"],
        ]);
        // bus 0x1ff is beyond a PCI bus number; the USB device is not PCI
        expect(web.io.hostdevs).toEqual(["0000:5e:00.0"]);
        const plain = guestParse("<domain><name>x</name><devices><interface type='vhostuser'/></devices></domain>");
        expect(plain.io).toEqual({ nics: [{ kind: "other", source: null, network: null, target: null, pci: null, mac: null }], hostdevs: [] });
    });
});

describe("the I/O path on the host", () => {
    it("follows a tap up to its bridge and down through a VLAN and a bond to NICs on two nodes; macvtap to its parent; NAT has no NIC", () => {
        const p = ioPaths(web.io, devices);
        const [bridge, nat, direct, vf, user] = p.nics;
        expect(bridge).toMatchObject({ via: "br0", note: null });
        expect(bridge!.physical.map(n => [n.name, n.node])).toEqual([["eno1", 0], ["ens1f0", 3]]);
        expect(nat).toMatchObject({ via: "virbr0", physical: [], note: "no-uplink" });
        expect(direct).toMatchObject({ via: "ens1f1", note: null });
        expect(direct!.physical.map(n => [n.name, n.node, n.irqs.map(q => q.effective)])).toEqual([["ens1f1", 3, [[0], [5]]]]);
        expect(vf).toMatchObject({ pciNode: 3, note: null });
        expect(user!.note).toBe("user");
        expect(p.hostdevs).toEqual([{ pci: "0000:5e:00.0", node: 0 }]);
        // the guest's PCI devices, the VF and the NVMe: the addresses the reader is asked for, and their nodes
        expect(guestIoPci(web.io)).toEqual(["0000:3b:02.1", "0000:5e:00.0"]);
        expect(ioPciDevices(p)).toEqual([{ pci: "0000:3b:02.1", node: 3 }, { pci: "0000:5e:00.0", node: 0 }]);
    });

    it("a shut-off guest resolves from the names in its XML; what the host does not have, or has not been read, is said", () => {
        const saved = guestParse(fixture("domains/io-devices-live.xml").replace(/<target dev='[^']*'\/>/g, "").replace(" bridge='virbr0'", ""));
        const p = ioPaths(saved.io, devices);
        expect(p.nics[0]!.physical.map(n => n.name)).toEqual(["eno1", "ens1f0"]);
        // a network's bridge is in the live XML only
        expect(p.nics[1]!.note).toBe("unresolved");
        expect(p.nics[2]!.physical.map(n => n.name)).toEqual(["ens1f1"]);
        const unread = ioPaths(web.io, undefined);
        expect(unread.nics.map(n => n.note)).toEqual(["unresolved", "unresolved", "unresolved", null, "user"]);
        expect(unread.hostdevs).toEqual([{ pci: "0000:5e:00.0", node: undefined }]);
    });

    it("a NIC the firmware gives no node is never counted as far or near", () => {
        const d = snapshotParse("numa-placement-snapshot\t1\nD\t-1\t0000:00:03.0\tenp0s3\nL\tenp0s3\tbr9\nL\tvnet0\tbr9\nD\t-\t-\tbr9\nD\t-\t-\tvnet0\n").devices!;
        const io = guestParse("<domain><devices><interface type='bridge'><source bridge='br9'/><target dev='vnet0'/></interface></devices></domain>").io;
        const p = ioPaths(io, d);
        expect(p.nics[0]!.physical).toEqual([{ name: "enp0s3", node: null, irqs: [] }]);
        expect(ioFarDevices(p, [3])).toEqual([]);
    });
});

describe("verdicts from the I/O path", () => {
    const run = (config = web, io = ioPaths(web.io, devices)) =>
        placementCompute({ host: article, state: "running", persistent: true, policy: { kind: "node" }, config, io });

    it("Device on another node: the bridge whose bond spans nodes 0 and 3, and the NVMe on node 0; interrupts served off node come after", () => {
        const p = run();
        expect(p.verdict).toEqual({ kind: "device-elsewhere", devices: [
            { name: "br0", kind: "nic", nodes: [0, 3] },
            { name: "0000:5e:00.0", kind: "pci", nodes: [0] },
        ] });
        // ens1f1 is on node 3 with the vCPUs, but its line 130 is served on CPU 0 (node 0); line 131 on CPU 5 is fine
        expect(p.findings.find(f => f.kind === "irq-elsewhere")).toEqual({ kind: "irq-elsewhere", nics: [{ nic: "ens1f1", irqs: [130], cpus: [0], nodes: [0] }] });
    });

    it("no device finding when every device is on the vCPUs' node, nor when the vCPUs may run anywhere", () => {
        const near = guestParse(fixture("domains/io-devices-live.xml").replace(/<interface type='bridge'>[\s\S]*?<\/interface>/, "").replace(/<hostdev mode='subsystem' type='pci'[\s\S]*?<\/hostdev>/, ""));
        expect(run(near, ioPaths(near.io, devices)).findings.map(f => f.kind)).toEqual(["irq-elsewhere"]);
        const unpinned = structuredClone(web);
        unpinned.vcpupins = new Map();
        expect(run(unpinned).findings.map(f => f.kind)).not.toContain("device-elsewhere");
    });
});
