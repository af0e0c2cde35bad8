// The page: the host's NUMA map and its guests, with where their threads run.
import React, { useEffect, useMemo, useRef, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { AlignAllDialog, type BatchItem } from "./AlignAllDialog";
import { AlignDialog, alignOpsFor, planFor, type Applied } from "./AlignDialog";
import { MoveMemoryDialog } from "./MoveMemoryDialog";
import { PlaceDialog } from "./PlaceDialog";
import { PlanHostDialog, type HostPlanGuest } from "./PlanHostDialog";
import { refusalText } from "./changeText";
import { Toasts } from "./Toasts";
import { UndoDialog } from "./UndoDialog";
import { useToasts, UNDO_TTL_MS, type UndoItem } from "./useToasts";
import { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core/dist/esm/components/Card/index.js";
import { Page, PageSection } from "@patternfly/react-core/dist/esm/components/Page/index.js";
import { alignLiveCheck } from "../model/align";
import { contentionCompute, contentionOverlaps, type CpuContention } from "../model/contention";
import { mapRoles } from "../model/hostmap";
import { MEMORY_OFF_THRESHOLD, placementCompute } from "../model/placement";
import { guestIsActive } from "../model/guest";
import { ioPaths } from "../model/iopath";
import { guestIoPci } from "../model/guestio";
import { threadsPciSet } from "../host/threads";
import { guestThreads, snapshotGuests, type Snapshot } from "../model/threads";
import { affinityMoved } from "../model/affinitywatch";
import type { VerdictKind } from "../model/placement";
import { policyParse } from "../model/policy";
import { GuestsToolbar } from "./GuestsToolbar";
import { ReportDownload } from "./ReportDownload";
import { useLocationOption } from "./useLocationOption";
import { GuestsTable, type GuestRow } from "./GuestsTable";
import { HostMap } from "./HostMap";
import { _, format } from "./i18n";
import { snapshotProblemText } from "./words";
import { LibvirtProblemState, LoadingState, NoGuestsState, libvirtProblemText } from "./StatusViews";
import { usePageData } from "./usePageData";
import { libvirtCallCount } from "../libvirt/dbus";
import type { HostRecord } from "../model/topology";
import { usePermission } from "./usePermission";
import { useThreads } from "./useThreads";


/** Counters for tests and the benchmark (reads, spawns, D-Bus calls), in the page's DOM only when a test asks for
 *  them: localStorage "numa-placement-counters" = "1" (test/browser.mjs sets it in every browser it starts). */
const COUNTERS = (() => { try { return window.localStorage.getItem("numa-placement-counters") === "1" } catch { return false } })();

/** the nodes' free memory before the first read of the threads */
const NO_MEMORY_FREE = new Map<number, number>();

/** the guest's QEMU process id: its main thread's */
const mainPid = (row: GuestRow): number | null =>
    row.threads?.find(t => t.role.kind === "emulator" && t.role.main)?.tid ?? null;

export const App = () => {
    const data = usePageData();
    const admin = usePermission();
    const threads = useThreads(admin);
    const [selected, setSelected] = useState<string | null>(null);
    const [policyOption, setPolicyOption] = useLocationOption("policy");
    const policy = useMemo(() => policyParse(policyOption === "custom" ? undefined : policyOption), [policyOption]);
    const [nameFilter, setNameFilter] = useState("");
    const [verdictFilter, setVerdictFilter] = useState<VerdictKind | "">("");
    // the row as it was when the dialog opened: the preview and the plan stay what the admin saw
    const [aligning, setAligning] = useState<GuestRow | null>(null);
    // the batch as it was when "Align all" was pressed: the guests leave the live batch as they get aligned (and
    // threads refresh meanwhile), but the dialog keeps listing each one with its result
    const [aligningAll, setAligningAll] = useState<BatchItem[] | null>(null);
    const [undoing, setUndoing] = useState<UndoItem[] | null>(null);
    const [placing, setPlacing] = useState<GuestRow | null>(null);
    const [moving, setMoving] = useState<GuestRow | null>(null);
    // the guests as they were when "Plan the host" was pressed
    const [planning, setPlanning] = useState<HostPlanGuest[] | null>(null);
    const guests = data.status === "ready" ? data.guests : null;
    const refreshThreads = threads.refresh;

    // a libvirt change (guest started, stopped, pinned) re-reads the threads at once, and the nodes of the guests'
    // PCI devices with them
    useEffect(() => {
        if (!guests) return;
        threadsPciSet([...new Set(guests.flatMap(g => guestIoPci(g.config.io)))]);
        refreshThreads();
    }, [guests, refreshThreads]);

    const snapshot = threads.snapshot;
    // threads moved without a libvirt signal (one lost across a libvirtd restart, or taskset): the definitions again
    const snapshotSeen = useRef<Snapshot | null>(null);
    const reload = data.reload;
    useEffect(() => {
        if (affinityMoved(snapshotSeen.current, snapshot)) reload();
        snapshotSeen.current = snapshot;
    }, [snapshot, reload]);
    const host = data.status === "ready" ? data.topology : null;
    // the nodes' free memory comes with every read of the threads (none before the first)
    const memoryFree = snapshot?.memoryFree ?? NO_MEMORY_FREE;
    const hostRecord = useMemo(() => host ? { topology: host, memoryFree } : null, [host, memoryFree]);
    // an open dialog keeps the host as last read while a re-read fails for a moment (libvirt busy, restarting):
    // closing it then would lose what it showed, a batch's results included
    const hostKept = useRef<HostRecord | null>(null);
    if (hostRecord) hostKept.current = hostRecord;
    const dialogHost = hostKept.current;
    // who competes for each CPU: the running guests' vCPUs, both connections
    const contention = useMemo(() => host && data.status === "ready"
        ? contentionCompute(host, data.guests.filter(g => guestIsActive(g.state)).map(g => ({ key: g.key, name: g.name, config: g.config })))
        : new Map<number, CpuContention>(), [host, data]);
    const rows: GuestRow[] = useMemo(() => {
        if (data.status !== "ready") return [];
        return data.guests.map(guest => {
            const t = guestIsActive(guest.state) && snapshot ? guestThreads(snapshot, guest.name, guest.connection) : null;
            const memory = t && snapshot ? snapshotGuests(snapshot, guest.connection).get(guest.name)?.memory ?? null : null;
            const io = ioPaths(guest.config.io, snapshot?.devices);
            return {
                guest, threads: t,
                placement: placementCompute({
                    host: data.topology, state: guest.state, persistent: guest.persistent,
                    config: guest.config, saved: guest.saved, threads: t, memory, policy,
                    sharing: guestIsActive(guest.state) ? contentionOverlaps(guest.key, contention) : null, io,
                }),
                io,
            };
        });
    }, [data, snapshot, policy, contention]);
    const toasts = useToasts(rows, host);
    const shownRows = rows.filter(r =>
        (!nameFilter || r.guest.name.toLowerCase().includes(nameFilter.toLowerCase())) &&
        (!verdictFilter || r.placement.verdict.kind === verdictFilter));
    const threadsNote = threads.error
        ? threads.error.kind === "timeout"
            ? format(_("The thread read did not finish in $0 s; the next refresh tries again."), threads.error.seconds)
            : format(_("The threads could not be read: $0"), threads.error.message)
        : snapshot && snapshot.problems.length ? snapshot.problems.map(snapshotProblemText).join(" ") : null;
    const selectedRow = rows.find(r => r.guest.key === selected) ?? null;

    const viewPolicy = policy.kind === "custom" ? "node" : policy.kind;
    const alignState = (row: GuestRow): { enabled: boolean; reason: string } => {
        // the user's own session guests need no administrative access
        if (admin !== true && row.guest.connection === "system") return { enabled: false, reason: _("Aligning needs administrative access: turn it on in the top bar.") };
        if (!host) return { enabled: false, reason: "" };
        if (row.guest.state === "other") return { enabled: false, reason: _("The guest is in a state that cannot be pinned.") };
        const plan = planFor(row, host, policy);
        if (plan.kind === "refused") return { enabled: false, reason: refusalText(plan.refusal) };
        if (plan.kind === "nothing") {
            if (alignOpsFor(row, host, plan, true).length)
                return { enabled: true, reason: _("The emulator threads are in place; the I/O threads are not: align them with the emulator threads.") };
            return { enabled: false, reason: _("Already aligned under this policy, live and in the saved config.") };
        }
        return { enabled: true, reason: _("Pin the emulator threads next to the vCPUs.") };
    };
    const placeState = (row: GuestRow): { enabled: boolean; reason: string } => {
        if (admin !== true && row.guest.connection === "system") return { enabled: false, reason: _("Placing needs administrative access: turn it on in the top bar.") };
        if (row.guest.state === "other") return { enabled: false, reason: _("The guest is in a state that cannot be pinned.") };
        return { enabled: true, reason: _("Choose where the vCPUs, the emulator threads and the memory go: on one node, with CPUs of their own.") };
    };
    const moveState = (row: GuestRow): { shown: boolean; enabled: boolean; reason: string } => {
        const m = row.placement.memory;
        const shown = row.guest.state === "running" && m !== null && m.local !== null && m.local < 1 - MEMORY_OFF_THRESHOLD && mainPid(row) !== null;
        if (admin !== true && row.guest.connection === "system") return { shown, enabled: false, reason: _("Moving memory needs administrative access: turn it on in the top bar.") };
        return { shown, enabled: true, reason: _("Move the memory to the vCPUs' nodes while the guest runs, and keep it there.") };
    };
    // "Align all" acts on the guests shown: filter first to align a subset
    const batch: BatchItem[] = host
        ? shownRows.flatMap(row => {
            if (admin !== true && row.guest.connection === "system") return [];
            if (row.placement.verdict.kind === "aligned" || row.placement.verdict.kind === "single-node") return [];
            const plan = planFor(row, host, policy);
            if (plan.kind !== "change") return [];
            const g = row.guest;
            const ops = alignOpsFor(row, host, plan, false);
            const check = alignLiveCheck(plan);
            return [{ key: g.key, plan: { guest: { connection: g.connection, path: g.path, name: g.name }, ops },
                      moveStragglers: g.connection === "session", verifyAlso: check ? [check] : [] }];
        })
        : [];

    const onApplied = (a: Applied) => {
        data.reload();
        refreshThreads();
        toasts.show({ key: a.key, variant: a.ok ? "success" : "warning", title: a.title,
                      undo: { items: a.items, state: "pending", until: Date.now() + UNDO_TTL_MS } });
    };

    let body: React.ReactNode;
    if (data.status === "loading") body = <LoadingState />;
    else if (data.status === "error") body = <LibvirtProblemState error={data.error} onRetry={data.reload} />;
    else if (rows.length === 0) body = <NoGuestsState />;
    else body = (
        <>
            <GuestsToolbar policy={policy.kind} onPolicy={p => setPolicyOption(p === "node" ? undefined : p)}
                           nameFilter={nameFilter} onNameFilter={setNameFilter}
                           verdictFilter={verdictFilter} onVerdictFilter={setVerdictFilter}
                           actions={<>
                               <Button variant="primary" isAriaDisabled={batch.length === 0} data-testid="align-all"
                                       onClick={() => batch.length && setAligningAll(batch)}>
                                   {format(_("Align all ($0)"), batch.length)}
                               </Button>
                               {" "}
                               <Button variant="secondary" data-testid="plan-host"
                                       onClick={() => setPlanning(rows.map(row => ({ row, movable: shownRows.includes(row) && placeState(row).enabled })))}>
                                   {_("Plan the host")}
                               </Button>
                               {" "}
                               <ReportDownload host={data.topology} memoryFree={memoryFree} policy={policy.kind} rows={rows} shownRows={shownRows} />
                           </>} />
            {shownRows.length === 0
                ? <p className="np-note" data-testid="no-match">{_("No virtual machine matches the filters.")}</p>
                : <GuestsTable host={data.topology} rows={shownRows} policy={policy.kind} selected={selected}
                               onSelect={setSelected} threadsNote={threadsNote} history={threads.history}
                               alignState={alignState} onAlign={setAligning} placeState={placeState} onPlace={setPlacing}
                               moveState={moveState} onMove={setMoving} />}
        </>
    );

    return (
        <Page data-page-status={data.status} data-policy={policy.kind} data-access={admin === false ? "limited" : admin ? "admin" : "unknown"}
              {...COUNTERS ? {
                  "data-refreshes": threads.refreshes, "data-spawns": threads.spawns,
                  "data-dbus-calls": libvirtCallCount(), // as of this render: the calls behind what is shown
              } : {}}
              data-guests={data.status === "ready" ? data.guests.length : 0} isContentFilled>
            <PageSection>
                <div className="np-stack">
                    {admin === false && (
                        <Alert variant="info" isInline data-testid="limited-access"
                               title={data.session ? _("Limited access: the host's virtual machines are read-only") : _("Limited access: this page is read-only")}>
                            {data.session
                                ? _("It shows what this user can read. Changing the pins of the host's virtual machines needs administrative access: use “Turn on administrative access” in the top bar. Your own virtual machines (marked “your session”) can be aligned without it.")
                                : _("It shows what this user can read. Changing pins needs administrative access: use “Turn on administrative access” in the top bar.")}
                        </Alert>
                    )}
                    {data.status === "ready" && data.problems.map(({ connection, error }) => (
                        <Alert key={connection} variant="warning" isInline data-testid={`connection-problem-${connection}`}
                               title={connection === "system"
                                   ? _("The host's virtual machines (qemu:///system) are not shown")
                                   : _("Your own virtual machines (qemu:///session) are not shown")}>
                            {format(_("$0: $1"), libvirtProblemText(error).title, error.message)}
                        </Alert>
                    ))}
                    {threads.error && (
                        <Alert variant="warning" isInline data-testid="threads-problem"
                               title={threads.snapshot ? _("The threads shown are from an earlier read") : _("The guests' threads could not be read")}>
                            {threadsNote}
                        </Alert>
                    )}
                    {data.status === "ready" && data.unreadable.length > 0 && (
                        <Alert variant="warning" isInline data-testid="guests-unreadable"
                               title={format(cockpit.ngettext("$0 virtual machine is not shown: its definition could not be read",
                                                              "$0 virtual machines are not shown: their definitions could not be read", data.unreadable.length),
                                             data.unreadable.length)}>
                            {data.unreadable.map(u => u.path).join(", ")}
                        </Alert>
                    )}
                    {hostRecord && (
                        <HostMap host={hostRecord} contention={contention} roles={selectedRow ? mapRoles(selectedRow.placement, selectedRow.io) : null}
                                 guestName={selectedRow?.guest.name ?? null} guestMemory={selectedRow?.placement.memory?.byNode ?? null}
                                 counters={threads.counters} hugepages={snapshot?.hugepages ?? null}
                                 devices={snapshot?.devices ?? null} guestIo={selectedRow?.io ?? null} />
                    )}
                    <Card>
                        <CardHeader actions={{
                            actions: data.status === "ready"
                                ? <Button variant="secondary" size="sm" data-testid="refresh"
                                          onClick={() => { data.reload(); refreshThreads() }}>{_("Refresh")}</Button>
                                : null,
                            hasNoOffset: true,
                        }}>
                            <CardTitle component="h2">{_("Virtual machines")}</CardTitle>
                        </CardHeader>
                        <CardBody>{body}</CardBody>
                    </Card>
                    {dialogHost && aligning && (
                        <AlignDialog row={aligning} host={dialogHost.topology} initialPolicy={viewPolicy}
                                     onClose={() => setAligning(null)} onApplied={onApplied} />
                    )}
                    {dialogHost && moving?.placement.memory && mainPid(moving) !== null && (
                        <MoveMemoryDialog row={moving} pid={mainPid(moving)!} memory={moving.placement.memory.byNode} host={dialogHost} hugepages={snapshot?.hugepages ?? null}
                                          onClose={() => setMoving(null)} onApplied={onApplied} />
                    )}
                    {dialogHost && placing && (
                        <PlaceDialog row={placing} host={dialogHost} contention={contention} initialPolicy={viewPolicy}
                                     onClose={() => setPlacing(null)} onApplied={onApplied} hugepages={snapshot?.hugepages ?? null} />
                    )}
                    {dialogHost && planning && (
                        <PlanHostDialog guests={planning} host={dialogHost} policy={{ kind: viewPolicy }} onBusy={data.hold}
                                        onClose={() => setPlanning(null)} onApplied={onApplied} hugepages={snapshot?.hugepages ?? null} />
                    )}
                    {dialogHost && aligningAll && (
                        <AlignAllDialog items={aligningAll} host={dialogHost.topology} onClose={() => setAligningAll(null)} onApplied={onApplied}
                                        onBusy={data.hold} />
                    )}
                    {dialogHost && undoing && (
                        <UndoDialog items={undoing} host={dialogHost.topology} onClose={() => setUndoing(null)}
                                    onDone={() => { data.reload(); refreshThreads() }} />
                    )}
                    <Toasts toasts={toasts.toasts} onClose={toasts.close}
                            onUndo={t => { toasts.close(t.key); setUndoing(t.undo!.items) }} />
                </div>
            </PageSection>
        </Page>
    );
};
