// "Download report": the whole picture as JSON (model/report.ts, described by doc/report.schema.json), or the guests
// table as CSV (every cell quoted, formulas neutralised). Built in the browser from what the page shows; nothing
// is read or run for it.
import React, { useState } from "react";
import { Dropdown, DropdownItem, DropdownList } from "@patternfly/react-core/dist/esm/components/Dropdown/index.js";
import { MenuToggle } from "@patternfly/react-core/dist/esm/components/MenuToggle/index.js";
import { cpusetFormat } from "../model/cpuset";
import type { PolicyKind } from "../model/policy";
import { csvLine, reportBuild } from "../model/report";
import type { HostTopology } from "../model/topology";
import { downloadText, fileStamp, TOOL } from "./download";
import type { GuestRow } from "./GuestsTable";
import { _ } from "./i18n";
import { findingSentence, verdictLabel } from "./verdictText";
import { memoryByNodeText, nodesText, stateText } from "./words";

interface Props {
    host: HostTopology;
    memoryFree: Map<number, number>;
    policy: PolicyKind;
    /** every guest, for the report */
    rows: GuestRow[];
    /** the guests the table shows (its filters applied), for the CSV */
    shownRows: GuestRow[];
}

export function reportJson({ host, memoryFree, policy, rows }: Props, now: Date): string {
    const report = reportBuild({
        tool: TOOL, generated: now.toISOString(), policy, host, memoryFree,
        guests: rows.map(r => ({
            name: r.guest.name, uuid: r.guest.uuid, connection: r.guest.connection, state: r.guest.state, persistent: r.guest.persistent,
            config: r.guest.config, saved: r.guest.saved, placement: r.placement, threads: r.threads, io: r.io,
        })),
        verdictText: k => verdictLabel(k, policy).text,
        findingText: f => findingSentence(f, policy),
    });
    return JSON.stringify(report, null, 2) + "\n";
}

export function guestsCsv({ policy, shownRows }: Props): string {
    const head = [_("Name"), _("Connection"), _("State"), _("vCPUs"), _("vCPU CPUs"), _("vCPU nodes"), _("Emulator CPUs"),
        _("Emulator nodes"), _("Memory local (%)"), _("Memory per node"), _("Verdict"), _("Findings")];
    return csvLine(head) + shownRows.map(r => {
        const p = r.placement, m = p.memory;
        return csvLine([
            r.guest.name, r.guest.connection, stateText(r.guest.state), r.guest.config.vcpuCurrent,
            cpusetFormat(p.vcpus.cpus), nodesText(p.vcpus.nodes), cpusetFormat(p.emulator.cpus), nodesText(p.emulator.nodes),
            m && m.local !== null ? Math.round(100 * m.local) : null, m ? memoryByNodeText(m.byNode) : null,
            verdictLabel(p.verdict.kind, policy).text, p.findings.map(f => findingSentence(f, policy)).join(" "),
        ]);
    }).join("");
}

export const ReportDownload = (props: Props) => {
    const [open, setOpen] = useState(false);
    const pick = (kind: "json" | "csv") => {
        setOpen(false);
        const now = new Date();
        if (kind === "json") downloadText(`numa-placement-report-${fileStamp(now)}.json`, "application/json", reportJson(props, now));
        else downloadText(`numa-placement-guests-${fileStamp(now)}.csv`, "text/csv", guestsCsv(props));
    };
    return (
        <Dropdown isOpen={open} onOpenChange={setOpen} popperProps={{ position: "right" }}
                  toggle={ref => (
                      <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} data-testid="download-toggle">
                          {_("Download report")}
                      </MenuToggle>
                  )}>
            <DropdownList>
                <DropdownItem key="json" onClick={() => pick("json")} data-testid="download-json"
                              description={_("The host and every guest: placement, threads, memory, devices, verdicts and reasons")}>
                    {_("Report (JSON)")}
                </DropdownItem>
                <DropdownItem key="csv" onClick={() => pick("csv")} data-testid="download-csv"
                              description={_("The guests the table shows, one row each")}>
                    {_("Guests table (CSV)")}
                </DropdownItem>
            </DropdownList>
        </Dropdown>
    );
};
