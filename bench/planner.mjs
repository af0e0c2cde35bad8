// make bench, planner part (issue 14): "Plan the host" for 200 guests on the 256-CPU fixture
// (test/fixtures/capabilities/two-socket-256.xml), as the page runs it: the model bundled by esbuild, with
// jsdom's DOMParser for the XML. Prints the median of BENCH_PLANNER_REPS runs after a discarded warm-up.
import { build } from "esbuild";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JSDOM } from "jsdom";

const REPS = Number(process.env.BENCH_PLANNER_REPS ?? 21);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "planner-"));
const out = path.join(dir, "model.mjs");
await build({
    stdin: {
        contents: `export { planHost } from "./src/model/hostplan"; export { guestParse } from "./src/model/guest"; export { topologyParse } from "./src/model/topology";`,
        resolveDir: process.cwd(), loader: "ts",
    },
    bundle: true, format: "esm", platform: "node", outfile: out, logLevel: "error",
});
globalThis.DOMParser = new JSDOM("").window.DOMParser;
const { planHost, guestParse, topologyParse } = await import(out);

const topology = topologyParse(fs.readFileSync("test/fixtures/capabilities/two-socket-256.xml", "utf8"));
const host = { topology, memoryFreeKiB: new Map(topology.nodes.map(n => [n.id, 64 * 1024 * 1024])) };
// 200 guests: every fifth with 2 vCPUs, every tenth pinned by hand to CPU 0 (they collide), 512 MiB each
const guests = Array.from({ length: 200 }, (_, i) => {
    const name = `vm${String(i).padStart(3, "0")}`;
    const vcpus = i % 5 === 0 ? 2 : 1;
    const pins = i % 10 === 3 ? "<cputune><vcpupin vcpu='0' cpuset='0'/></cputune>" : "";
    return { key: `system:/${name}`, name, config: guestParse(`<domain><name>${name}</name><memory unit='MiB'>512</memory><vcpu>${vcpus}</vcpu>${pins}</domain>`) };
});
const times = [];
let plan;
for (let r = 0; r <= REPS; r++) {
    const t = performance.now();
    plan = planHost(host, guests, { memMode: "restrictive", replanAll: false });
    if (r > 0) times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const median = times[(times.length - 1) >> 1];
console.log(JSON.stringify({ planner: { guests: 200, cpus: topology.online.length, medianMs: Number(median.toFixed(1)),
    minMs: Number(times[0].toFixed(1)), maxMs: Number(times.at(-1).toFixed(1)), placed: plan.placed.length, refused: plan.refused.length } }));
fs.rmSync(dir, { recursive: true, force: true });
