// The test's own view inside the NUMA lab, over ssh as root (fixed commands; guest names are the lab's own).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const CACHE = process.env.NUMA_LAB_CACHE ?? "/var/cache/numa-placement-lab";
export const BASE = `http://127.0.0.1:${process.env.NUMA_LAB_COCKPIT_PORT ?? "9091"}`;
export const ADMIN = { user: "admin", password: "numalab" };
export const VIEWER = { user: "viewer", password: "numalab" };

export async function labSsh(command: string): Promise<string> {
    // the lab is an emulated machine under load: a slow ssh handshake is retried, a failing command is not
    for (let attempt = 1; ; attempt++) {
        try {
            const { stdout } = await run("ssh", ["-i", `${CACHE}/id_ed25519`, "-p", process.env.NUMA_LAB_SSH_PORT ?? "2222",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=30", "root@127.0.0.1", command], { maxBuffer: 16 * 1024 * 1024 });
            return stdout;
        } catch (e) {
            const err = e as { stderr?: string; code?: number };
            if (attempt < 3 && err.code === 255 && /banner exchange|timed out|Connection reset/i.test(err.stderr ?? "")) continue;
            throw e;
        }
    }
}

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

/** rhel64's QEMU pid and its vhost worker (a kernel thread "vhost-PID" on Linux 6.1) as /proc in the lab has them */
export async function labVhost(guest: string): Promise<{ pid: number; tid: number; comm: string; cpus: string }> {
    const out = await labSsh(`pid=$(cat /run/libvirt/qemu/${guest}.pid); for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); [ "$c" = "vhost-$pid" ] && echo "$pid \${p##*/} $c $(sed -n 's/^Cpus_allowed_list:\\s*//p' $p/status)"; done; true`);
    const [pid, tid, comm, cpus] = out.trim().split(/\s+/);
    return { pid: Number(pid), tid: Number(tid), comm: comm!, cpus: cpus! };
}
