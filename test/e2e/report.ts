// Downloading the page's report and CSV as a person would (the toolbar's menu, the browser's download), the
// committed schema to validate the report, and a CSV reader (RFC 4180), for the local and the NUMA suites.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import type { Frame, Page } from "playwright-core";

const schema = JSON.parse(readFileSync("doc/report.schema.json", "utf8"));
export const reportValidate = new Ajv({ strict: true, allErrors: true }).compile(schema);

/** the text of what the menu item downloads, and the file name the browser was given */
export async function downloadText(page: Page, frame: Frame, item: "download-json" | "download-csv"): Promise<{ name: string; text: string }> {
    await frame.click("[data-testid=download-toggle]");
    const [download] = await Promise.all([page.waitForEvent("download"), frame.click(`[data-testid=${item}]`)]);
    const file = await download.path();
    return { name: download.suggestedFilename(), text: readFileSync(file, "utf8") };
}

/** rows of cells; quoted cells may hold commas, doubled quotes and line breaks */
export function csvParse(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [], cell = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false;
            else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") { row.push(cell); cell = "" } else if (c === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++ } else cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row) }
    return rows;
}

/** the page's verdict of every guest row: name -> verdict kind */
export async function pageVerdicts(frame: Frame): Promise<Map<string, string>> {
    const pairs = await frame.$$eval("[data-testid=guests] tr[data-guest][data-verdict]",
        trs => trs.map(t => [t.getAttribute("data-guest") ?? "", t.getAttribute("data-verdict") ?? ""] as [string, string]));
    return new Map(pairs);
}
