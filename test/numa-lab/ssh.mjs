// The NUMA lab seen from this machine, for the NUMA suite and the benchmark: root's ssh into the lab (fixed
// commands; guest names are the lab's own), its Cockpit, and the guest Move memory works on.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const SSH_SH = new URL("./ssh.sh", import.meta.url).pathname;
export const BASE = `http://127.0.0.1:${process.env.NUMA_LAB_COCKPIT_PORT ?? "9091"}`;
export const ADMIN = { user: "admin", password: "numalab" };

// every command in the lab ends within this (the slowest, a guest's start under emulation, takes a minute or two)
const SSH_TIMEOUT_MS = 300000;

/** @param {string} command a shell command run as root inside the lab @returns {Promise<string>} its output */
export async function labSsh(command) {
    // the lab is an emulated machine under load: a slow ssh handshake is retried, a failing command is not
    for (let attempt = 1; ; attempt++) {
        try {
            // ssh.sh: the options common.sh gives every ssh into the lab (the shared connection, its timeouts)
            const { stdout } = await run(SSH_SH, [command], { maxBuffer: 16 * 1024 * 1024, timeout: SSH_TIMEOUT_MS, killSignal: "SIGKILL" });
            return stdout;
        } catch (e) {
            if (attempt < 3 && e.code === 255 && /banner exchange|timed out|Connection reset|Session open refused/i.test(e.stderr ?? "")) continue;
            throw e;
        }
    }
}

// Move memory's guest: 256 MiB allocated at start by QEMU's threads on node 0, its vCPU on node 2; then the
// emulator threads join the vCPU there, so that only the memory is elsewhere
const MEMORY_GUEST_XML = "<domain type='kvm'><name>place-memory</name><memory unit='MiB'>256</memory>" +
    "<memoryBacking><allocation mode='immediate'/></memoryBacking><vcpu placement='static'>1</vcpu>" +
    "<cputune><vcpupin vcpu='0' cpuset='13'/><emulatorpin cpuset='0,2,4'/></cputune>" +
    "<os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os><devices><serial type='pty'/><memballoon model='none'/></devices></domain>";
// one ssh session: each costs seconds under emulation
export const MEMORY_GUEST_START = `cat > /tmp/place-memory.xml <<'EOF'\n${MEMORY_GUEST_XML}\nEOF\nvirsh -q define /tmp/place-memory.xml >/dev/null\n` +
    "virsh -q start place-memory >/dev/null\nvirsh -q emulatorpin place-memory 13,15,17 --live\n";
export const MEMORY_GUEST_REMOVE = "virsh -q destroy place-memory >/dev/null 2>&1; virsh -q undefine place-memory >/dev/null 2>&1; true";

/**
 * The page's memory cell of a guest shows it mostly off its vCPUs' nodes with at least minKiB counted: QEMU
 * preallocates for a while, and a read during it sees only part. Run in the page (frame.waitForFunction).
 */
export function memoryAwayShown([cell, minKiB]) {
    const el = document.querySelector(cell);
    const kib = (el?.getAttribute("data-kib") ?? "").split(",").reduce((a, p) => a + (Number(p.split(":")[1]) || 0), 0);
    return Number(el?.getAttribute("data-local") || 100) < 50 && kib > minKiB;
}
