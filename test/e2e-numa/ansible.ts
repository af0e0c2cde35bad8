// "Export as Ansible" against the NUMA lab: the article's plan downloaded from the Align dialog, run with Debian's
// ansible-playbook over the lab's ssh (its port and key): --check reports and writes nothing, the first run pins
// rhel64 live and in the saved config (checked in /proc and virsh dumpxml --inactive inside the lab), the second
// run changes nothing. rhel64 gets its lab state back afterwards (no emulator pin).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { Frame, Page } from "playwright-core";
import { labEmulatorThreads, labSsh, labVhost } from "./lab";
import { playbookDownload, playbookRun } from "../e2e/playbook";

const CACHE = process.env.NUMA_LAB_CACHE ?? "/var/cache/numa-placement-lab";
const dir = mkdtempSync(path.join(os.tmpdir(), "np-numa-ansible-"));

/** the open Align dialog's plan as a playbook file */
export async function playbookExport(page: Page, frame: Frame): Promise<string> {
    const file = path.join(dir, "article.yml");
    await playbookDownload(page, frame, "[data-testid=align-dialog]", file);
    return file;
}

/** ansible-playbook against the lab as root over its ssh; the recap's changed count */
const labPlay = (file: string, ...args: string[]) => playbookRun(["-i", "127.0.0.1,", "-u", "root", "--private-key", `${CACHE}/id_ed25519`,
    "-e", `ansible_port=${process.env.NUMA_LAB_SSH_PORT ?? "2222"}`, "-e", "ansible_become=false", "-e", "ansible_python_interpreter=/usr/bin/python3",
    "--ssh-common-args", "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"], file, args, dir);

export async function playbookArticleCheck(file: string, article: string): Promise<void> {
    try {
        expect(await labPlay(file, "--check"), "--check: the live and the saved pin would change").toBe(2);
        expect(new Set(await labEmulatorThreads("rhel64"))).not.toEqual(new Set([article]));
        expect(await labSsh("virsh dumpxml --inactive rhel64")).not.toContain(`<emulatorpin cpuset='${article}'/>`);

        expect(await labPlay(file)).toBe(2);
        expect(new Set(await labEmulatorThreads("rhel64"))).toEqual(new Set([article]));
        expect((await labVhost("rhel64")).cpus).toBe(article);
        expect(await labSsh("virsh dumpxml --inactive rhel64")).toContain(`<emulatorpin cpuset='${article}'/>`);

        expect(await labPlay(file), "the second run").toBe(0);
    } finally {
        await labSsh("virsh -q emulatorpin rhel64 0-23 --live; virsh dumpxml --inactive rhel64 | grep -v '<emulatorpin ' > /tmp/rhel64.xml && virsh -q define /tmp/rhel64.xml >/dev/null");
    }
}
