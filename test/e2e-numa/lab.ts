// The test's own view inside the NUMA lab, over ssh as root (fixed commands; guest names are the lab's own).
// @ts-expect-error: plain JS module shared with the benchmark
import * as shared from "../numa-lab/ssh.mjs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

type Login = { user: string; password: string };
export const BASE: string = shared.BASE;
export const ADMIN: Login = shared.ADMIN;
export const MEMORY_GUEST_START: string = shared.MEMORY_GUEST_START;
export const MEMORY_GUEST_REMOVE: string = shared.MEMORY_GUEST_REMOVE;
export const labSsh: (command: string) => Promise<string> = shared.labSsh;
export const memoryAwayShown: (args: [string, number]) => boolean = shared.memoryAwayShown;
/** libvirt's cpuset controller in the lab on or off (libvirtd restarted) */
export const cpusetMode = (mode: "on" | "off") => run("bash", ["test/numa-lab/cpuset-mode.sh", mode]);
export const VIEWER: Login = { user: "viewer", password: "numalab" };

/** NUMA node -> CPU list, as lscpu inside the lab prints it */
export async function labNodes(): Promise<Map<number, string>> {
    const out = await labSsh("lscpu");
    const nodes = new Map<number, string>();
    for (const m of out.matchAll(/^NUMA node(\d+) CPU\(s\):\s+(\S+)$/gm)) nodes.set(Number(m[1]), m[2]!);
    return nodes;
}

export async function labGuests(): Promise<Map<string, string>> {
    const names = (await labSsh("virsh -q list --all --name")).split("\n").map(s => s.trim()).filter(Boolean);
    const states = new Map<string, string>();
    for (const n of names) states.set(n, (await labSsh(`virsh -q domstate ${n}`)).trim());
    return states;
}

/** The lab's host generation (make numa-lab NUMA_LAB_DEBIAN=12 or 13), as the lab's own os-release has it */
export async function labGeneration(): Promise<number> {
    return Number(/^VERSION_ID="?(\d+)/m.exec(await labSsh("cat /etc/os-release"))?.[1]);
}

type LabVhost = { pid: number; tid: number; comm: string; cpus: string; inProcess: boolean };

/**
 * A guest's QEMU pid and its vhost workers (one per queue pair of each vhost NIC), as /proc in the lab has them: a
 * kernel thread "vhost-PID" of its own (Linux 6.1) or a thread "vhost-PID" inside QEMU's process (a vhost_task,
 * Linux 6.4 and later), found by looking in both places. One grep reads every comm file (the shell loop before it
 * forked twice per process in the emulated lab while the page polled it).
 */
export async function labVhosts(guest: string): Promise<LabVhost[]> {
    const out = await labSsh(`pid=$(cat /run/libvirt/qemu/${guest}.pid); for f in $(grep -s -l -x "vhost-$pid" /proc/[0-9]*/comm /proc/$pid/task/[0-9]*/comm); do p=\${f%/comm}; echo "$pid \${p##*/} vhost-$pid $(sed -n 's/^Cpus_allowed_list:\\s*//p' $p/status) \${p%/*}"; done; true`);
    return out.trim().split("\n").filter(Boolean).map(line => {
        const [pid, tid, comm, cpus, dir] = line.split(/\s+/);
        return { pid: Number(pid), tid: Number(tid), comm: comm!, cpus: cpus!, inProcess: dir !== "/proc" };
    });
}

/** the guest's (first) vhost worker */
export async function labVhost(guest: string): Promise<LabVhost> {
    const [first] = await labVhosts(guest);
    if (!first) throw new Error(`no vhost worker of ${guest} in the lab's /proc`);
    return first;
}

/** every emulator-group thread of a guest in the lab, and its vhost worker: name -> Cpus_allowed_list */
export async function labEmulatorThreads(guest: string): Promise<string[]> {
    const out = await labSsh(`pid=$(cat /run/libvirt/qemu/${guest}.pid); for t in /proc/$pid/task/*; do printf '%s\\t%s\\n' "$(cat $t/comm)" "$(sed -n 's/^Cpus_allowed_list:\\s*//p' $t/status)"; done`);
    return out.trim().split("\n").filter(l => !/^(CPU \d+\/|kvm-nx)/.test(l)).map(l => l.split("\t")[1]!);
}

/** Move memory's running guest, place-memory (removed by its test), and three unpinned, shut-off guests for "Plan the host" (starting guests under emulation costs minutes; the running
 *  guest moved is the lab's wide): one with 2 vCPUs, one with 2 guest NUMA cells, and one with 8 vCPUs, bigger than
 *  any node (6 CPUs). wide gets its lab pins back (vCPUs on 5 and 12), so that the test can run again. */
export async function labGuestsAdd(): Promise<void> {
    const xml = (name: string, vcpus: number, cpu = "") => `<domain type='kvm'><name>${name}</name><memory unit='MiB'>64</memory>` +
        `<vcpu placement='static'>${vcpus}</vcpu>${cpu}<os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>` +
        "<devices><serial type='pty'/><memballoon model='none'/></devices></domain>";
    const cells = "<cpu><numa><cell id='0' cpus='0' memory='32' unit='MiB'/><cell id='1' cpus='1' memory='32' unit='MiB'/></numa></cpu>";
    const defines = ([["place-two", xml("place-two", 2)], ["place-cells", xml("place-cells", 2, cells)], ["place-big", xml("place-big", 8)]] as const)
        .map(([name, x]) => `cat > /tmp/${name}.xml <<'EOF'\n${x}\nEOF\nvirsh -q define /tmp/${name}.xml >/dev/null\n`).join("");
    // (a run stopped half-way may have left them defined)
    const clean = "for g in place-two place-cells place-big place-memory; do virsh -q destroy $g >/dev/null 2>&1; virsh -q undefine $g >/dev/null 2>&1; done\n";
    await labSsh(`${clean}set -e\n${defines}virsh -q vcpupin wide 0 5 --config\nvirsh -q vcpupin wide 1 12 --config\nvirsh -q vcpupin wide 1 12 --live\n`);
}

/** node -> KiB of a lab guest's own memory (anonymous, huge pages, memfd), from its numa_maps read over ssh */
export async function labMemory(guest: string): Promise<Map<number, number>> {
    const out = await labSsh(`cat /proc/$(cat /run/libvirt/qemu/${guest}.pid)/numa_maps`);
    const memory = new Map<number, number>();
    for (const line of out.split("\n")) {
        if (!/ anon=| huge( |$)| file=\/(memfd:|dev\/shm\/)/.test(line)) continue;
        const size = Number(/ kernelpagesize_kB=(\d+)/.exec(line)?.[1] ?? 4);
        for (const m of line.matchAll(/ N(\d+)=(\d+)/g)) memory.set(Number(m[1]), (memory.get(Number(m[1])) ?? 0) + Number(m[2]) * size);
    }
    return memory;
}

export const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** guest -> the CPU set of each vCPU (running guests: live; shut-off: saved), from virsh vcpupin in the lab */
export async function labPins(): Promise<Map<string, string[]>> {
    const out = await labSsh("for g in $(virsh -q list --all --name); do s=$(virsh -q domstate $g); f=--config; [ \"$s\" = running ] && f=--live; virsh -q vcpupin $g $f | sed \"s/^/$g /\"; done");
    const pins = new Map<string, string[]>();
    for (const line of out.trim().split("\n")) {
        const [guest, , set] = line.trim().split(/\s+/);
        pins.set(guest!, [...pins.get(guest!) ?? [], set!]);
    }
    return pins;
}

/** CPU -> node, from lscpu in the lab */
export async function labCpuNodes(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [node, list] of await labNodes()) for (const c of list.split(",")) out.set(Number(c), node);
    return out;
}
