// "Export as Ansible" in the e2e suites: the open dialog's playbook downloaded as a person would, and run with
// Debian's ansible-playbook against a host (this one, or the NUMA lab over ssh).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "vitest";
import type { Frame, Page } from "playwright-core";

const run = promisify(execFile);

/** the playbook of the dialog's "Export as Ansible", saved to file; the file name the browser was given */
export async function playbookDownload(page: Page, frame: Frame, dialog: string, file: string): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent("download"), frame.click(`${dialog} [data-testid=export-ansible]`)]);
    await download.saveAs(file);
    return download.suggestedFilename();
}

/**
 * ansible-playbook with `target` (inventory and connection arguments), Ansible's own files under `home`; nothing may
 * be unreachable or fail. Returns the recap's changed count.
 */
export async function playbookRun(target: string[], file: string, args: string[], home: string): Promise<number> {
    const { stdout } = await run("ansible-playbook", [...target, file, ...args],
        { env: { ...process.env, ANSIBLE_NOCOLOR: "1", HOME: home, ANSIBLE_TIMEOUT: "120" }, maxBuffer: 16 << 20, timeout: 900000 });
    const recap = /changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(stdout);
    expect(recap?.slice(2), stdout.slice(-2000)).toEqual(["0", "0"]);
    return Number(recap![1]);
}
