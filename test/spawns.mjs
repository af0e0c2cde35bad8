// Counting the processes a Cockpit bridge starts, from outside the page: strace on every thread of the bridges
// under the cockpit-ws listening on a port, counting the clones that make a process (not a thread). Used by the
// refresh e2e test and by the benchmark; strace comes with the lab (test/lab/up.sh).
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** the cockpit-bridge processes of the cockpit-ws listening on PORT (and their superuser bridges), from /proc */
export function bridgePids(port) {
    const procs = readdirSync("/proc").filter(d => /^\d+$/.test(d)).flatMap(d => {
        try {
            const stat = readFileSync(`/proc/${d}/stat`, "utf8");
            const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            return [{ pid: Number(d), ppid, comm, argv: readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0") }];
        } catch { return [] }
    });
    const ws = procs.filter(p => p.comm === "cockpit-ws" && p.argv.join(" ").includes(` -p ${port} `)).map(p => p.pid);
    const under = root => procs.filter(p => p.ppid === root).flatMap(p => [p.pid, ...under(p.pid)]);
    return ws.flatMap(under).filter(pid => procs.find(p => p.pid === pid)?.comm === "cockpit-bridge");
}

/** How many processes the bridges of PORT start while `during` runs. */
export async function bridgeSpawnsDuring(port, during) {
    const tids = bridgePids(port).flatMap(pid => readdirSync(`/proc/${pid}/task`));
    if (!tids.length) throw new Error(`no cockpit-bridge under the cockpit-ws on port ${port}`);
    const tracer = spawn("strace", ["-qq", "-e", "trace=clone,clone3,fork,vfork", "-e", "signal=none", ...tids.flatMap(t => ["-p", t])],
                         { stdio: ["ignore", "ignore", "pipe"] });
    let out = "";
    tracer.stderr.on("data", d => { out += d.toString() });
    await new Promise(resolve => setTimeout(resolve, 1000)); // strace attaches
    try {
        await during();
    } finally {
        tracer.kill("SIGINT");
        await new Promise(resolve => tracer.once("exit", resolve));
    }
    return out.split("\n").filter(l => /\b(clone3?|v?fork)\(/.test(l) && !l.includes("CLONE_THREAD") && /= \d+$/.test(l)).length;
}
