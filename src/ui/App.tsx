// The page: the host's NUMA map and its guests, with where their threads run.
import React, { useEffect, useMemo, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core/dist/esm/components/Card/index.js";
import { Page, PageSection } from "@patternfly/react-core/dist/esm/components/Page/index.js";
import { mapRoles } from "../model/hostmap";
import { placementCompute } from "../model/placement";
import { guestThreads } from "../model/threads";
import type { VerdictKind } from "../model/placement";
import { policyParse } from "../model/policy";
import { GuestsToolbar } from "./GuestsToolbar";
import { useLocationOption } from "./useLocationOption";
import { GuestsTable, type GuestRow } from "./GuestsTable";
import { HostMap } from "./HostMap";
import { _ } from "./i18n";
import { LibvirtProblemState, LoadingState, NoGuestsState } from "./StatusViews";
import { useHostData } from "./useHostData";
import { usePermission } from "./usePermission";
import { useThreads } from "./useThreads";


export const App = () => {
    const data = useHostData("system");
    const admin = usePermission();
    const threads = useThreads();
    const [selected, setSelected] = useState<string | null>(null);
    const [policyOption, setPolicyOption] = useLocationOption("policy");
    const policy = useMemo(() => policyParse(policyOption === "custom" ? undefined : policyOption), [policyOption]);
    const [nameFilter, setNameFilter] = useState("");
    const [verdictFilter, setVerdictFilter] = useState<VerdictKind | "">("");
    const guests = data.status === "ready" ? data.guests : null;
    const refreshThreads = threads.refresh;

    // a libvirt change (guest started, stopped, pinned) re-reads the threads at once
    useEffect(() => { if (guests) refreshThreads() }, [guests, refreshThreads]);

    const snapshot = threads.snapshot;
    const rows: GuestRow[] = useMemo(() => {
        if (data.status !== "ready") return [];
        return data.guests.map(guest => {
            const running = guest.state === "running" || guest.state === "paused";
            const t = running && snapshot ? guestThreads(snapshot, guest.name) : null;
            return {
                guest, threads: t,
                placement: placementCompute({
                    host: data.host.topology, state: guest.state, persistent: guest.persistent,
                    config: guest.config, saved: guest.saved, threads: t, policy,
                }),
            };
        });
    }, [data, snapshot, policy]);
    const shownRows = rows.filter(r =>
        (!nameFilter || r.guest.name.toLowerCase().includes(nameFilter.toLowerCase())) &&
        (!verdictFilter || r.placement.verdict.kind === verdictFilter));
    const threadsNote = threads.error
        ? threads.error
        : snapshot && snapshot.problems.length ? snapshot.problems.join(" ") : null;
    const selectedRow = rows.find(r => r.guest.path === selected) ?? null;

    let body: React.ReactNode;
    if (data.status === "loading") body = <LoadingState />;
    else if (data.status === "error") body = <LibvirtProblemState error={data.error} onRetry={data.reload} />;
    else if (rows.length === 0) body = <NoGuestsState />;
    else body = (
        <>
            <GuestsToolbar policy={policy.kind} onPolicy={p => setPolicyOption(p === "node" ? undefined : p)}
                           nameFilter={nameFilter} onNameFilter={setNameFilter}
                           verdictFilter={verdictFilter} onVerdictFilter={setVerdictFilter} />
            {shownRows.length === 0
                ? <p className="np-note" data-testid="no-match">{_("No virtual machine matches the filters.")}</p>
                : <GuestsTable host={data.host.topology} rows={shownRows} policy={policy.kind} selected={selected}
                               onSelect={setSelected} threadsNote={threadsNote} />}
        </>
    );

    return (
        <Page data-page-status={data.status} data-policy={policy.kind} data-access={admin === false ? "limited" : admin ? "admin" : "unknown"}
              data-refreshes={threads.refreshes} data-spawns={threads.spawns} isContentFilled>
            <PageSection>
                <div className="np-stack">
                    {admin === false && (
                        <Alert variant="info" isInline data-testid="limited-access"
                               title={_("Limited access: this page is read-only")}>
                            {_("It shows what this user can read. Changing pins needs administrative access: use “Turn on administrative access” in the top bar.")}
                        </Alert>
                    )}
                    {data.status === "ready" && (
                        <HostMap host={data.host} roles={selectedRow ? mapRoles(selectedRow.placement) : null}
                                 guestName={selectedRow?.guest.name ?? null} />
                    )}
                    <Card>
                        <CardHeader><CardTitle component="h2">{_("Virtual machines")}</CardTitle></CardHeader>
                        <CardBody>{body}</CardBody>
                    </Card>
                </div>
            </PageSection>
        </Page>
    );
};
