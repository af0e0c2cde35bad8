// Writes an ACPI SRAT table (System Resource Affinity Table) for QEMU's -acpitable file=..., so that Linux
// inside the NUMA lab numbers its nodes exactly as the article's host: QEMU's own -numa options get the CPU
// sets right but number nodes in the order their first CPU appears. Reference: ACPI 6.5 specification,
// section 5.2.16 (SRAT): a 36-byte table header, 4 bytes that must be 1, 8 reserved bytes, then
// Processor Local APIC Affinity entries (type 0, 16 bytes) and Memory Affinity entries (type 1, 40 bytes).
// Linux assigns node ids in the order of the processor entries, so they are written node by node.
// With it, a SLIT (System Locality Information Table, section 5.2.17: the header, the number of localities as
// 8 bytes, then one byte per pair) gives the nodes distances as on a 2-socket host of 2 dies each: 10 on the node,
// 16 to the other die of its socket (nodes 0 and 3, 1 and 2), 22 to the other socket. Without a SLIT Linux
// says 20 between every pair, and "the closest nodes" would mean nothing.
//   node srat.mjs SRAT_OUTPUT [SLIT_OUTPUT]   (the article's 4 nodes, 24 CPUs, APIC id = CPU index, 4 GiB on q35)
import fs from "node:fs";

export const LAYOUT = [
    [0, 2, 4, 6, 8, 10],
    [12, 14, 16, 18, 20, 22],
    [13, 15, 17, 19, 21, 23],
    [1, 3, 5, 7, 9, 11],
];

const GiB = 1024 ** 3;
// q35 with 4 GiB: RAM at [0, 2 GiB) and [4 GiB, 6 GiB); the legacy hole 640 KiB - 1 MiB is left out
export const MEMORY = [
    [0, [0, 0xA0000], [0x100000, 1 * GiB]],
    [1, [1 * GiB, 2 * GiB]],
    [2, [4 * GiB, 5 * GiB]],
    [3, [5 * GiB, 6 * GiB]],
];

export const DISTANCES = [
    [10, 22, 22, 16],
    [22, 10, 16, 22],
    [22, 16, 10, 22],
    [16, 22, 22, 10],
];

/** An ACPI table: the 36-byte header (signature, length, revision, checksum, ids) followed by body. */
function acpiTable(signature, revision, body) {
    const head = Buffer.alloc(36);
    head.write(signature, 0, "ascii");
    head.writeUInt32LE(36 + body.length, 4);
    head[8] = revision;
    head.write("NUMLAB", 10, "ascii");   // OEM id
    head.write("ARTICLE4", 16, "ascii"); // OEM table id
    head.writeUInt32LE(1, 24);           // OEM revision
    head.write("NPLB", 28, "ascii");     // creator id
    head.writeUInt32LE(1, 32);           // creator revision
    const table = Buffer.concat([head, body]);
    let sum = 0;
    for (const b of table) sum = (sum + b) & 0xff;
    table[9] = (0x100 - sum) & 0xff;     // checksum: every byte sums to zero
    return table;
}

export function slitBuild(distances = DISTANCES) {
    const body = Buffer.alloc(8 + distances.length ** 2);
    body.writeBigUInt64LE(BigInt(distances.length), 0);
    distances.flat().forEach((d, i) => { body[8 + i] = d });
    return acpiTable("SLIT", 1, body);
}

export function sratBuild(layout = LAYOUT, memory = MEMORY) {
    const entries = [];
    layout.forEach((cpus, node) => {
        for (const apic of cpus) {
            const e = Buffer.alloc(16);
            e[0] = 0; e[1] = 16; e[2] = node & 0xff; e[3] = apic;
            e.writeUInt32LE(1, 4); // enabled
            entries.push(e);
        }
    });
    for (const [node, ...ranges] of memory) {
        for (const [start, end] of ranges) {
            const e = Buffer.alloc(40);
            e[0] = 1; e[1] = 40;
            e.writeUInt32LE(node, 2);
            e.writeBigUInt64LE(BigInt(start), 8);
            e.writeBigUInt64LE(BigInt(end - start), 16);
            e.writeUInt32LE(1, 28); // enabled
            entries.push(e);
        }
    }
    // 4 bytes that must be 1, 8 reserved, then the entries; revision 1, as QEMU writes it
    const lead = Buffer.alloc(12);
    lead.writeUInt32LE(1, 0);
    return acpiTable("SRAT", 1, Buffer.concat([lead, ...entries]));
}

if (process.argv[2]) fs.writeFileSync(process.argv[2], sratBuild());
if (process.argv[3]) fs.writeFileSync(process.argv[3], slitBuild());
