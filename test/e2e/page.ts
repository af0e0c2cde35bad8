// Page helpers shared by the e2e files that open the page as administrator and use the align dialog.
import type { Frame, Page } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { shellOpen } from "../browser.mjs";
import { procThreads, waitFor } from "./host";

export type Browser = { page: Page; errors: string[]; close(): Promise<void> };

/** the page under the vCPU policy (on this single-node lab, the one that tells aligned from not) */
export async function pageOpen(b: Browser): Promise<Frame> {
    const f: Frame = await shellOpen(b.page, { hash: "#/?policy=vcpus" });
    await f.waitForSelector("[data-page-status=ready][data-access=admin]");
    return f;
}

export async function alignDialogOpen(f: Frame, name: string): Promise<void> {
    const button = f.locator(`tr[data-guest="${name}"] [data-testid=align]`);
    await waitFor(`${name}'s Align button`, async () => await button.getAttribute("data-enabled") === "true", 15000);
    await button.click();
    await f.waitForSelector("[data-testid=align-dialog]");
}

/** the CPU lists of the guest's emulator-group threads (not vCPUs, I/O threads or kernel workers), from /proc */
export const emulatorCpus = (name: string): string[] => [...new Set(procThreads(name)
    .filter(t => !/^CPU \d+\//.test(t.comm) && !/^IO iothread/.test(t.comm) && !t.comm.startsWith("kvm-nx"))
    .map(t => t.cpus))];

/** Undo from the last change's toast: its preview, then the Undo button; returns once Undo has run. */
export async function undoFromToast(f: Frame, timeout = 30000): Promise<void> {
    await f.click("[data-testid=toasts] [data-testid=undo]");
    await f.waitForSelector("[data-testid=undo-dialog] [data-undo=ready]", { timeout });
    await f.click("[data-testid=undo-apply]");
    await f.waitForSelector("[data-testid=undo-dialog] [data-testid=undo-close]:has-text('Close')", { timeout });
    await f.click("[data-testid=undo-close]");
}

/** Hovers a trigger and returns the tooltip that then shows `text` (another one still fading out, such as a host
 *  map node's, is not taken for it); fails saying which tooltips showed instead. */
export async function tooltipWith(f: Frame, trigger: string, text: string, timeout = 10000): Promise<string> {
    await f.hover(trigger);
    const tip = f.locator(".pf-v6-c-tooltip", { hasText: text });
    try {
        await tip.first().waitFor({ timeout });
    } catch {
        const shown = await f.locator(".pf-v6-c-tooltip").allTextContents();
        throw new Error(`no tooltip with "${text}" after hovering ${trigger}; shown: ${JSON.stringify(shown)}`);
    }
    return (await tip.first().textContent()) ?? "";
}
