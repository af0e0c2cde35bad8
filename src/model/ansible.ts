// "Export as Ansible": change plans as a playbook for this host, to carry a placement to the next hosts. Each
// operation becomes a read of the current value (never a change), then the change only when the value differs,
// then a read that fails the play when the value is still not there; live operations only while the guest runs.
// Under --check a task reports what would change (as "changed") and nothing is written. Commands are
// ansible.builtin.command with argv (no shell); guest names are variables marked !unsafe, so that Ansible never
// templates them. Strings are written as JSON strings, which YAML reads as double-quoted scalars.
import { memtuneNeedsXml, type ChangeOp, type ChangePlan } from "./change";
import { cpusetFormat } from "./cpuset";

export interface PlaybookInput {
    title: string;
    tool: string;
    generated: string;
    plans: ChangePlan[];
}

const q = (s: string) => JSON.stringify(s);
const argvYaml = (argv: string[], indent: string) => `${indent}argv:\n${argv.map(a => `${indent}  - ${q(a)}`).join("\n")}`;

interface Task {
    name: string;
    /** ansible.builtin.command argv; null for a debug or fail task */
    argv?: string[];
    debug?: string;
    fail?: string;
    register?: string;
    when?: string[];
    changedWhen?: string;
    failedWhen?: string;
    /** reads run in --check too */
    read?: boolean;
    become?: boolean;
}

function taskYaml(t: Task): string {
    const lines = [`    - name: ${q(t.name)}`];
    if (t.argv) lines.push("      ansible.builtin.command:", argvYaml(t.argv, "        "));
    if (t.debug !== undefined) lines.push("      ansible.builtin.debug:", `        msg: ${q(t.debug)}`);
    if (t.fail !== undefined) lines.push("      ansible.builtin.fail:", `        msg: ${q(t.fail)}`);
    if (t.become === false) lines.push("      become: false");
    if (t.register) lines.push(`      register: ${t.register}`);
    if (t.read) lines.push("      check_mode: false");
    if (t.changedWhen) lines.push(`      changed_when: ${t.changedWhen === "false" || t.changedWhen === "true" ? t.changedWhen : q(t.changedWhen)}`);
    if (t.failedWhen) lines.push(`      failed_when: ${q(t.failedWhen)}`);
    if (t.when?.length) lines.push("      when:", ...t.when.map(w => `        - ${q(w)}`));
    return lines.join("\n");
}

/** the Jinja expression of the value a read printed, per kind of operation (the CPU list is virsh's last word) */
function readValue(op: ChangeOp, reg: string): string {
    switch (op.kind) {
    case "iothread": return `(${reg}.stdout_lines | select('match', '^\\\\s*${op.id}\\\\s') | first | split | last)`;
    case "numatune": return `(${reg}.stdout | regex_replace('\\\\s+', ' ') | trim)`;
    default: return `(${reg}.stdout.split() | last)`;
    }
}

/** what readValue gives when the operation is in place */
function target(op: ChangeOp): string {
    if (op.kind === "numatune") return `numa_mode : ${op.after.mode} numa_nodeset : ${cpusetFormat(op.after.nodeset)}`;
    if (op.kind === "emulator" || op.kind === "vcpu" || op.kind === "iothread") return cpusetFormat(op.after);
    return "";
}

/** virsh's words for an operation, with the guest as the variable: read the value, and set it */
function virshArgv(op: Exclude<ChangeOp, { kind: "move-threads" | "memory" }>, virsh: string[], guest: string): { read: string[]; set: string[] } {
    const side = op.where === "live" ? "--live" : "--config";
    switch (op.kind) {
    case "emulator": return { read: [...virsh, "emulatorpin", guest, side], set: [...virsh, "emulatorpin", guest, cpusetFormat(op.after), side] };
    case "vcpu": return { read: [...virsh, "vcpupin", guest, String(op.id), side], set: [...virsh, "vcpupin", guest, String(op.id), cpusetFormat(op.after), side] };
    case "iothread": return { read: [...virsh, "iothreadinfo", guest, side], set: [...virsh, "iothreadpin", guest, String(op.id), cpusetFormat(op.after), side] };
    case "numatune": return { read: [...virsh, "numatune", guest, "--config"],
                              set: [...virsh, "numatune", guest, "--mode", op.after.mode, "--nodeset", cpusetFormat(op.after.nodeset), "--config"] };
    }
}

/**
 * The share of a process's own memory (anonymous, huge pages, memfd or /dev/shm) on the nodes matching the awk
 * variable `want` (a regular expression of "N<node>" words), in percent: one play variable, folded over lines.
 */
const AWK_SHARE = [
    "/ anon=| huge( |$)| file=\\/(memfd:|dev\\/shm\\/)/ {",
    "s = 4; if (match($0, / kernelpagesize_kB=[0-9]+/)) s = substr($0, RSTART + 19, RLENGTH - 19);",
    "for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split($i, a, \"=\"); k = a[2] * s; t += k; if (a[1] ~ want) on += k } }",
    "END { print t ? int(100 * on / t) : 100 }",
];
const awkWant = (nodes: number[]) => `want=^(${nodes.map(n => `N${n}`).join("|")})$`;

/** a plan's guest in the playbook: its name variable, its libvirt connection, and whether its tasks become root */
interface PlayGuest { g: number; guest: string; virsh: string[]; become: false | undefined; session: boolean }

function playGuest(plan: ChangePlan, g: number): PlayGuest {
    const session = plan.guest.connection === "session";
    return { g, guest: `{{ np_guest_${g} }}`, virsh: ["virsh", "-c", session ? "qemu:///session" : "qemu:///system"], become: session ? false : undefined, session };
}

function opTasks(op: ChangeOp, { g, guest, virsh, become, session }: PlayGuest, i: number): Task[] {
    const live = op.where === "live" ? [`np_${g}_state.stdout | trim == 'running'`] : [];
    const reg = `np_${g}_${i}`;
    if (op.kind === "move-threads")
        return [{ name: `Threads that did not follow a live pin, not exported, of ${guest}`, become,
                  debug: "Moved by thread id on the host the page read: not carried to a playbook; the page's check shows them." }];
    if (op.kind === "numatune" && memtuneNeedsXml(op))
        return [{ name: `A memory binding with per-cell nodes, or removed, not exported, of ${guest}`, become,
                  fail: "virsh cannot write this memory binding: edit the saved XML (virt-xml GUEST --edit --numatune ...) and run again." }];
    if (op.kind === "memory") {
        if (session) return [{ name: `The memory of a session guest, not exported, of ${guest}`, become, debug: "Run migratepages as the guest's user." }];
        const nodes = cpusetFormat(op.to);
        const move = `migratepages PID ${cpusetFormat(op.from)} ${nodes}`;
        const share = ["awk", "-v", awkWant(op.to), "{{ np_share_awk }}", `/proc/{{ ${reg}_pid.stdout | trim }}/numa_maps`];
        return [
            { name: `The QEMU process of ${guest}`, argv: ["cat", `/run/libvirt/qemu/${guest}.pid`], register: `${reg}_pid`, read: true, changedWhen: "false", when: live },
            { name: `The share of the memory on node(s) ${nodes} of ${guest}`, argv: share, register: reg, read: true, changedWhen: "false", when: live },
            { name: `Would run ${move} for ${guest}`, debug: `${guest}: {{ 100 - (${reg}.stdout | int) }}% of its memory would move to node(s) ${nodes}`,
              changedWhen: "true", when: [...live, "ansible_check_mode", `${reg}.stdout | int < 90`] },
            { name: `Run ${move} for ${guest}`, argv: ["migratepages", `{{ ${reg}_pid.stdout | trim }}`, cpusetFormat(op.from), nodes], changedWhen: "true",
              when: [...live, "not ansible_check_mode", `${reg}.stdout | int < 90`] },
            { name: `Check that 90% of the memory is on node(s) ${nodes} for ${guest}`, argv: share, register: `${reg}_check`, read: true, changedWhen: "false", failedWhen: `${reg}_check.stdout | int < 90`, when: [...live, "not ansible_check_mode"] },
        ];
    }
    const { read, set } = virshArgv(op, virsh, guest);
    const value = readValue(op, reg), want = target(op);
    const differs = `${value} != ${q(want)}`;
    // the command's words after "virsh -c URI", without the guest's variable
    const words = (argv: string[]) => argv.slice(3).filter(a => a !== guest).join(" ");
    const shown = words(set);
    return [
        { name: `Read virsh ${words(read)} for ${guest}`, argv: read, register: reg, read: true, changedWhen: "false", when: live, become },
        { name: `Would run virsh ${shown} for ${guest}`, debug: `${guest}: would set ${want} (now: {{ ${reg}.stdout_lines | map('trim') | select | join(' / ') }})`,
          changedWhen: "true", when: [...live, "ansible_check_mode", differs], become },
        { name: `Run virsh ${shown} for ${guest}`, argv: set, changedWhen: "true", when: [...live, "not ansible_check_mode", differs], become },
        { name: `Check virsh ${words(read)} is ${want} for ${guest}`, argv: read, register: `${reg}_check`, read: true, changedWhen: "false",
          failedWhen: `${readValue(op, `${reg}_check`)} != ${q(want)}`, when: [...live, "not ansible_check_mode"], become },
    ];
}

/** The playbook's text for the plans (one play for this host, the guests in the order of the plans). */
export function playbookText({ title, tool, generated, plans }: PlaybookInput): string {
    const vars = plans.map((p, g) => `    np_guest_${g}: !unsafe ${q(p.guest.name)}`);
    const tasks: Task[] = plans.flatMap((plan, g) => {
        const pg = playGuest(plan, g);
        return [
            { name: `Read the state of ${pg.guest}`, argv: [...pg.virsh, "domstate", pg.guest], register: `np_${g}_state`, read: true, changedWhen: "false", become: pg.become },
            ...plan.ops.flatMap((op, i) => opTasks(op, pg, i)),
        ];
    });
    return [
        "---",
        `# ${title}`,
        `# Exported by ${tool} on ${generated}. Run it against the host the page showed:`,
        "#   ansible-playbook -i HOST, playbook.yml --check   (reports what would change)",
        "#   ansible-playbook -i HOST, playbook.yml",
        "# Each step reads the current value and changes it only when it differs, live (while the guest runs) and in the",
        "# saved config as the page does, then reads it again; a second run changes nothing.",
        `- name: ${q(title)}`,
        "  hosts: all",
        "  become: true",
        "  gather_facts: false",
        "  vars:",
        ...vars,
        "    np_share_awk: !unsafe >-",
        ...AWK_SHARE.map(l => `      ${l}`),
        "  tasks:",
        tasks.map(taskYaml).join("\n"),
        "",
    ].join("\n");
}
