// The device part of the host reader (src/host/devices-reader.sh, run with -d) against a fake /sys and /proc/irq.
// The tree is hand-written after the sysfs layout of Linux 6.1 on a two-socket server (class/net/IF a link into
// the device's directory, "device" a link to the PCI function, lower_* links between stacked interfaces, msi_irqs
// named by interrupt number) and of a virtio NIC as the NUMA lab's nested host has it (the net device's "device" is
// the virtio device; node, address and interrupts are its PCI parent's).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { devicesPhysicalBelow } from "../../src/model/devices";
import { snapshotParse } from "../../src/model/threads";
import { fakeProcEach, read, root } from "./fakeproc";

fakeProcEach();

const write = (p: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
};
const link = (p: string, target: string) => {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.symlinkSync(target, path.join(root, p));
};

/** a PCI function with a NIC: its node, address and MSI-X interrupts, and the interface's directory linked from class/net */
function pciNic(ifname: string, bdf: string, node: string, irqs: number[], opts: { virtio?: boolean } = {}) {
    const fn = `sys/devices/pci0000:00/${bdf}`;
    write(`${fn}/numa_node`, node + "\n");
    write(`${fn}/uevent`, `DRIVER=x\nPCI_CLASS=20000\nPCI_SLOT_NAME=${bdf}\nMODALIAS=pci:v0\n`);
    for (const irq of irqs) write(`${fn}/msi_irqs/${irq}`, "msix\n");
    const dev = opts.virtio ? `${fn}/virtio3` : fn;
    if (opts.virtio) write(`${dev}/uevent`, "DRIVER=virtio_net\n");
    fs.mkdirSync(path.join(root, `${dev}/net/${ifname}`), { recursive: true });
    link(`${dev}/net/${ifname}/device`, "../..");
    link(`sys/class/net/${ifname}`, `../../${dev.slice(4)}/net/${ifname}`);
}
function virtualIf(ifname: string, lowers: string[]) {
    const dir = `sys/devices/virtual/net/${ifname}`;
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    for (const l of lowers) link(`${dir}/lower_${l}`, `../../../../class/net/${l}`);
    link(`sys/class/net/${ifname}`, `../../devices/virtual/net/${ifname}`);
}
const irq = (n: number, affinity: string, effective?: string) => {
    write(`proc/irq/${n}/smp_affinity_list`, affinity + "\n");
    if (effective !== undefined) write(`proc/irq/${n}/effective_affinity_list`, effective + "\n");
};

describe("devices-reader.sh", () => {
    it("reads NICs with their node, address and interrupt lines, and how bridges, bonds, VLANs and macvtap stack on them", () => {
        pciNic("ens1f0", "0000:3b:00.0", "1", [120, 121]);
        pciNic("ens1f1", "0000:3b:00.1", "1", [130]);
        pciNic("eno1", "0000:18:00.0", "0", [90]);
        pciNic("enp0s3", "0000:00:03.0", "-1", [24], { virtio: true });
        irq(120, "0-7", "2"); irq(121, "0-7", "5"); irq(130, "8-15"); irq(90, "0-15", "0"); irq(24, "0-15", "1");
        virtualIf("bond0", ["ens1f0", "eno1"]);
        virtualIf("bond0.100", ["bond0"]);
        virtualIf("vnet3", []);
        virtualIf("br0", ["bond0.100", "vnet3"]);
        virtualIf("macvtap0", ["ens1f1"]);
        virtualIf("lo", []);
        const snap = snapshotParse(read("-d"));
        expect(snap.problems).toEqual([]);
        const d = snap.devices!;
        expect(d.nets.get("ens1f0")).toEqual({ name: "ens1f0", device: { node: 1, pci: "0000:3b:00.0" }, lowers: [],
                                              irqs: [{ irq: 120, affinity: [0, 1, 2, 3, 4, 5, 6, 7], effective: [2] }, { irq: 121, affinity: [0, 1, 2, 3, 4, 5, 6, 7], effective: [5] }] });
        // a kernel that does not give the effective affinity: said, not guessed
        expect(d.nets.get("ens1f1")!.irqs).toEqual([{ irq: 130, affinity: [8, 9, 10, 11, 12, 13, 14, 15], effective: null }]);
        // the virtio NIC: its PCI parent's node (-1: the firmware does not say), address and interrupts
        expect(d.nets.get("enp0s3")).toMatchObject({ device: { node: null, pci: "0000:00:03.0" }, irqs: [{ irq: 24, effective: [1] }] });
        expect(d.nets.get("lo")).toEqual({ name: "lo", device: null, lowers: [], irqs: [] });
        // a bridge over a VLAN over a bond across two nodes reaches both NICs
        expect(devicesPhysicalBelow(d, "br0").map(n => [n.name, n.device!.node])).toEqual([["eno1", 0], ["ens1f0", 1]]);
        expect(devicesPhysicalBelow(d, "macvtap0").map(n => n.name)).toEqual(["ens1f1"]);
        // without -d, none of it
        expect(snapshotParse(read()).devices).toBeUndefined();
    });

    it("reads the PCI devices asked for, and only well-formed addresses that exist", () => {
        write("sys/bus/pci/devices/0000:3b:02.1/numa_node", "1\n");
        write("sys/bus/pci/devices/0000:5e:00.0/numa_node", "-1\n");
        write("sys/bus/pci/devices/0000:af:00.0/numa_node", "garbage\n");
        const snap = snapshotParse(read("-d", "-p", "0000:3b:02.1", "-p", "0000:5e:00.0", "-p", "0000:af:00.0", "-p", "0000:00:00.9", "-p", "*", "-p", "0000:99:00.0"));
        expect(snap.problems).toEqual([]);
        expect(snap.devices!.pci).toEqual(new Map([["0000:3b:02.1", 1], ["0000:5e:00.0", null], ["0000:af:00.0", null]]));
    });

    it("prints hostile interface names as data, skips names with blanks, and reads no interrupt of another device", () => {
        pciNic("a$(id)`y`;|", "0000:18:00.0", "0", [90]);
        irq(90, "0", "0");
        virtualIf("we ird", []);
        virtualIf('<i>br&"', ["a$(id)`y`;|"]);
        // an entry in msi_irqs that is not an interrupt number
        write("sys/devices/pci0000:00/0000:18:00.0/msi_irqs/x y", "");
        const snap = snapshotParse(read("-d"));
        expect(snap.problems).toEqual([]);
        expect([...snap.devices!.nets.keys()].sort()).toEqual(['<i>br&"', "a$(id)`y`;|"]);
        expect(devicesPhysicalBelow(snap.devices!, '<i>br&"').map(n => n.name)).toEqual(["a$(id)`y`;|"]);
        expect(snap.devices!.nets.get("a$(id)`y`;|")!.irqs.map(q => q.irq)).toEqual([90]);
    });
});
