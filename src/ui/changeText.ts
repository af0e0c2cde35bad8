// Words for change plans: targets that cannot be computed, operations, their results, conflicts and checks.
import type { ChangeError, ChangeResult, OpResult } from "../change/engine";
import { memoryMoveTargets, memoryOff } from "../model/memoryop";
import { type ChangeOp, type Conflict, type MemoryOp, type OpCheck, type OpValue, type Where } from "../model/change";
import type { Memtune } from "../model/place";
import { cpusetFormat } from "../model/cpuset";
import type { TargetRefusal } from "../model/policy";
import { topologyLlcsOf, topologyNodesOf, type HostTopology } from "../model/topology";
import { _, format } from "./i18n";
import { cpusetProblemMessage, memoryByNodeText, nodesText, roleName, sizeText } from "./words";

/** A memory move's memory per node after it, as planned: each node's pages where migrate_pages sends them */
export function memoryAfter(op: MemoryOp): Map<number, number> {
    const to = memoryMoveTargets(op.from, op.to);
    const out = new Map<number, number>();
    for (const [n, k] of op.before) {
        const dest = to.get(n) ?? n;
        out.set(dest, (out.get(dest) ?? 0) + k);
    }
    return out;
}

export function refusalText(r: TargetRefusal): string {
    switch (r.kind) {
    case "vcpus-unpinned": return _("The vCPUs are not pinned, so there is nothing to align the emulator threads with. Pin the vCPUs first (virsh vcpupin), or choose a custom CPU list.");
    case "housekeeping-empty": return format(_("The vCPUs use every CPU of $0: no CPU is left there for housekeeping. Choose another policy."), nodesText(r.nodes));
    case "no-online-cpu": return format(_("None of the CPUs $0 is online."), cpusetFormat(r.cpus));
    case "custom-malformed": return cpusetProblemMessage(r.problem);
    case "custom-offline": return format(_("CPUs $0 are offline."), cpusetFormat(r.cpus));
    }
}

/** "1,3,5 (node 3, L3 #1)" */
export function placeText(host: HostTopology, cpus: number[]): string {
    const nodes = nodesText(topologyNodesOf(host, cpus));
    const llcs = host.llcKnown ? topologyLlcsOf(host, cpus).map(l => format(_("L3 #$0"), l)).join(", ") : "";
    return `${cpusetFormat(cpus)} (${llcs ? `${nodes}; ${llcs}` : nodes})`;
}

/** The memory modes as numatune names them, in the page's words */
export function memModeText(mode: string): string {
    switch (mode) {
    case "strict": return _("strict");
    case "restrictive": return _("restrictive");
    case "preferred": return _("preferred");
    case "interleave": return _("interleave");
    default: return mode;
    }
}

/** "restrictive on node 1", "strict on nodes 1-2: cell 0 on node 1, cell 1 on node 2", "not bound" */
export function memtuneText(m: Memtune): string {
    if (m.mode === "none") return _("not bound to a node");
    const top = m.nodeset.length ? format(_("$0 on $1"), memModeText(m.mode), nodesText(m.nodeset)) : memModeText(m.mode);
    if (!m.memnodes.length) return top;
    return `${top}: ${m.memnodes.map(n => format(_("cell $0 on $1"), n.cellid, nodesText(n.nodeset))).join(", ")}`;
}

/** A value of an operation: CPUs with their nodes and caches, or a memory binding */
export const valueText = (host: HostTopology, v: OpValue): string => Array.isArray(v) ? placeText(host, v) : memtuneText(v);

export const whereText = (where: Where): string =>
    where === "live" ? _("running guest") : _("saved config");

/** What an operation changes, without where: "Emulator threads", "I/O thread 2", "Threads 812, 813" */
export function opSubject(op: ChangeOp): string {
    switch (op.kind) {
    case "emulator": return _("Emulator threads");
    case "iothread": return format(_("I/O thread $0"), op.id);
    case "vcpu": return format(_("vCPU $0"), op.id);
    case "numatune": case "memory": return _("Memory");
    case "move-threads": return format(cockpit.ngettext("Thread $0", "Threads $0", op.threads.length), op.threads.map(t => t.tid).join(", "));
    }
}

export function opText(op: ChangeOp): string {
    switch (op.kind) {
    case "emulator": return format(_("Emulator threads of the $0 on CPUs $1"), whereText(op.where), cpusetFormat(op.after));
    case "iothread": return format(_("I/O thread $0 of the $1 on CPUs $2"), op.id, whereText(op.where), cpusetFormat(op.after));
    case "vcpu": return format(_("vCPU $0 of the $1 on CPUs $2"), op.id, whereText(op.where), cpusetFormat(op.after));
    case "numatune": return format(_("Memory of the saved config: $0"), memtuneText(op.after));
    case "move-threads": return format(cockpit.ngettext("Thread $0 moved to CPUs $1", "Threads $0 moved to CPUs $1", op.threads.length),
                                       op.threads.map(t => t.tid).join(", "), cpusetFormat(op.after));
    case "memory": return format(_("Memory of the running guest moved from $0 to $1"), nodesText(op.from), nodesText(op.to));
    }
}

/** "data-op" of an operation, for tests and styles */
export const opKey = (op: ChangeOp): string => op.kind === "move-threads" ? "move" : op.kind === "memory" ? "memory" : `${op.kind}-${op.where}`;

function opShort(op: ChangeOp): string {
    switch (op.kind) {
    case "emulator": return whereText(op.where);
    case "iothread": return format(_("I/O thread $0 of the $1"), op.id, whereText(op.where));
    case "vcpu": return format(_("vCPU $0 of the $1"), op.id, whereText(op.where));
    case "numatune": return _("memory binding of the saved config");
    case "move-threads": return format(cockpit.ngettext("thread $0", "threads $0", op.threads.length), op.threads.map(t => t.tid).join(", "));
    case "memory": return _("memory of the running guest");
    }
}

export function errorText(e: ChangeError): string {
    switch (e.kind) {
    case "vanished": return _("the guest no longer exists");
    case "denied": return format(_("not allowed: $0"), e.message);
    default: return e.message;
    }
}

/** "running guest changed; saved config not changed: <libvirt's message>"; null when nothing failed */
export function partialText(results: OpResult[]): string | null {
    const failed = results.find(r => r.status === "failed");
    if (!failed) return null;
    const applied = results.filter(r => r.status === "applied").map(r => opShort(r.op));
    const notApplied = results.filter(r => r.status !== "applied").map(r => opShort(r.op));
    const reason = failed.error ? errorText(failed.error) : "";
    if (!applied.length)
        return format(_("Nothing changed ($0 not changed): $1"), notApplied.join(", "), reason);
    return format(_("$0 changed; $1 not changed: $2"), applied.join(", "), notApplied.join(", "), reason);
}

/** "Emulator threads of the saved config: expected 0-1, found 1" */
export function conflictText(c: Conflict): string {
    const what = c.op.kind === "move-threads" ? opSubject(c.op) : format(_("$0 of the $1"), opSubject(c.op), whereText(c.op.where));
    if (c.op.kind === "memory")
        return c.found === null ? format(_("$0: the guest's process is not the one the change was made to"), what)
            : format(_("$0: expected on $1, found on $2"), what, nodesText(c.expected as number[]), nodesText(c.found as number[]));
    if (c.found === null)
        return c.op.where === "live" && c.op.kind !== "move-threads"
            ? format(_("$0: the guest is no longer running"), what)
            : c.op.kind === "move-threads" ? format(_("$0: the guest's process is not the one the change was made to"), what)
                : format(_("$0: no longer in the guest's definition"), what);
    if (!Array.isArray(c.expected) || !Array.isArray(c.found))
        return format(_("$0: expected $1, found $2"), what, Array.isArray(c.expected) ? cpusetFormat(c.expected) : memtuneText(c.expected),
                      Array.isArray(c.found) ? cpusetFormat(c.found) : memtuneText(c.found));
    return format(_("$0: expected CPUs $1, found $2"), what, cpusetFormat(c.expected), cpusetFormat(c.found));
}

/** "Verified: 98% of the memory is on node 2 (node 0: 4 MiB, node 2: 250 MiB)." or what stayed */
function memoryCheckText(c: OpCheck & { op: MemoryOp }): string {
    if (c.status === "not-verified") return _("Could not read the guest's memory again to verify.");
    const memory = c.memory ?? new Map<number, number>();
    const off = memoryOff(memory, c.op.to);
    const share = off.totalKiB ? Math.round(100 * (1 - off.offKiB / off.totalKiB)) : 0;
    if (c.status === "verified")
        return format(_("Verified: $0% of the memory is on $1 ($2)."), share, nodesText(c.op.to), memoryByNodeText(memory));
    const stayed = new Map([...memory].filter(([n]) => !c.op.to.includes(n)));
    return format(_("Not all of the memory moved: $0 stayed where it was ($1); $2% is on $3. The kernel leaves pages it cannot move (in use or pinned)."),
                  sizeText(off.offKiB), memoryByNodeText(stayed), share, nodesText(c.op.to));
}

export function checkText(c: OpCheck, host: HostTopology): string {
    if (c.op.kind === "memory") return memoryCheckText(c as OpCheck & { op: MemoryOp });
    switch (c.status) {
    case "verified":
        if (c.op.kind === "numatune") return format(_("Verified: the saved config binds the memory $0."), memtuneText(c.op.after));
        if (c.op.kind === "move-threads") return _("Verified.");
        return c.op.where === "config"
            ? format(_("Verified: the saved config pins the $0 to CPUs $1."), opSubject(c.op).toLowerCase(), cpusetFormat(c.op.after))
            : format(_("Verified: $0 run on CPUs $1 ($2)."), opSubject(c.op), cpusetFormat(c.op.after), nodesText(topologyNodesOf(host, c.op.after)));
    case "not-verified":
        return c.op.where === "config"
            ? _("Could not read the saved config again to verify.")
            : _("Could not read the guest's threads to verify.");
    case "mismatch":
        if (c.op.kind === "numatune")
            return format(_("The saved config has memory $0, not $1."), c.saved && !Array.isArray(c.saved) ? memtuneText(c.saved) : "?", memtuneText(c.op.after));
        if (c.op.where === "config")
            return format(_("The saved config has CPUs $0, not $1."), Array.isArray(c.saved) ? cpusetFormat(c.saved) : "", valueText(host, c.op.after));
        return format(_("Not every thread followed: $0"),
                      c.threads.map(t => format(_("$0 “$1” ($2) on CPUs $3"), t.tid, t.comm, roleName(t.role), cpusetFormat(t.cpus))).join("; "));
    }
}

/** The sentence for an align's live result: "Verified: the 4 emulator threads now run on CPUs 1,3,5 (node 3), with the vCPUs." */
export function alignVerifyText(checks: OpCheck[], host: HostTopology): { text: string; ok: boolean } {
    const live = checks.filter(c => c.op.where === "live");
    const bad = checks.find(c => c.status !== "verified");
    if (bad) return { text: checkText(bad, host), ok: false };
    const emulator = live.find(c => c.op.kind === "emulator") ?? live[0];
    if (!emulator) {
        const config = checks[0];
        return { text: config ? checkText(config, host) : _("Nothing was changed."), ok: true };
    }
    const target = "after" in emulator.op && Array.isArray(emulator.op.after) ? emulator.op.after : [];
    // the emulator group's threads: those the pin placed and those moved after it
    const threadCount = live.filter(c => c.op.kind !== "iothread")
        .reduce((n, c) => n + (c.status === "verified" ? c.threads.length : 0), 0);
    return {
        text: format(cockpit.ngettext("Verified: the $0 emulator thread now runs on CPUs $1 ($2), with the vCPUs.",
                                      "Verified: the $0 emulator threads now run on CPUs $1 ($2), with the vCPUs.", threadCount),
                     threadCount, cpusetFormat(target), nodesText(topologyNodesOf(host, target))),
        ok: true,
    };
}

export type Status = "applied" | "verified" | "not-verified" | "failed" | "changed";

/** One guest's result in a batch, in words; `verify` says what its live checks showed. */
export function outcomeOf(r: ChangeResult, host: HostTopology,
                          verify: (checks: OpCheck[], host: HostTopology) => { text: string; ok: boolean } = alignVerifyText): { status: Status; text: string } {
    if (r.kind === "stale") return { status: "changed", text: format(_("not changed, the guest changed since the preview: $0"), r.conflicts.map(conflictText).join("; ")) };
    if (r.kind === "error") return { status: "failed", text: format(_("Nothing changed: $0"), errorText(r.error)) };
    const partial = partialText(r.results);
    if (partial) return { status: "failed", text: partial };
    if (!r.checks.some(c => c.op.where === "live")) return { status: "applied", text: _("Saved config changed (the guest is not running).") };
    const v = verify(r.checks, host);
    return { status: v.ok ? "verified" : "not-verified", text: v.text };
}

export const STATUS_TEXT = (): Record<Status, string> => ({
    applied: _("applied"), verified: _("verified"), "not-verified": _("applied, not verified"), failed: _("failed"),
    changed: _("skipped"),
});
