// Undo as a plan like any other: the guests are read again, and for each one the page previews exactly what Undo
// will write (the values the change recorded as "now"), or refuses when the guest no longer has what the change
// set (someone changed it since). Applied through the change engine, which checks once more right before writing.
import React, { useEffect, useState } from "react";
import { Alert } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core/dist/esm/components/Modal/index.js";
import { Spinner } from "@patternfly/react-core/dist/esm/components/Spinner/index.js";
import { changeRun, undoPrepare, type ChangeResult, type UndoPrepared } from "../change/engine";
import type { ChangeOp } from "../model/change";
import { cpusetFormat } from "../model/cpuset";
import type { HostTopology } from "../model/topology";
import { errorText, opSubject, partialText, whereText } from "./changeText";
import { _, format } from "./i18n";
import { PlanConflicts, PlanPreview, PlanResults } from "./PlanView";
import type { UndoItem } from "./useToasts";

/** One note per group and CPU set: "the emulator threads of the saved config and the running guest … (0-23)" */
function pinnedInstead(ops: ChangeOp[]): { what: string; sides: string; cpus: string }[] {
    const notes = new Map<string, { what: string; sides: string[]; cpus: string }>();
    for (const op of ops) {
        if (op.kind === "move-threads" || op.kind === "numatune" || op.kind === "memory") continue;
        const what = opSubject(op).toLowerCase(), cpus = cpusetFormat(op.before);
        const note = notes.get(what + cpus) ?? { what, sides: [], cpus };
        note.sides.push(whereText(op.where));
        notes.set(what + cpus, note);
    }
    return [...notes.values()].map(n => ({ ...n, sides: n.sides.join(_(" and ")) }));
}

interface Props {
    items: UndoItem[];
    host: HostTopology;
    onClose: () => void;
    /** after Undo ran: the page reads the guests again */
    onDone: () => void;
}

export const UndoDialog = ({ items, host, onClose, onDone }: Props) => {
    const [prepared, setPrepared] = useState<UndoPrepared[] | null>(null);
    const [busy, setBusy] = useState(false);
    const [results, setResults] = useState<ChangeResult[] | null>(null);

    useEffect(() => {
        let alive = true;
        void Promise.all(items.map(i => undoPrepare(i.plan, i.applied, host))).then(p => { if (alive) setPrepared(p) });
        return () => { alive = false };
    }, [items, host]);

    const ready = prepared?.flatMap(p => p.kind === "ready" ? [p] : []) ?? [];
    const run = async () => {
        setBusy(true);
        try {
            setResults(await changeRun(ready.map(p => ({ plan: p.plan })), host));
        } catch (e) {
            const error = { kind: "other" as const, message: String((e as Error)?.message ?? e) };
            setResults(ready.map(() => ({ kind: "error", error })));
        } finally {
            setBusy(false);
            onDone();
        }
    };

    return (
        <Modal isOpen onClose={busy ? undefined : onClose} variant="medium" aria-labelledby="undo-title" data-testid="undo-dialog">
            <ModalHeader title={_("Undo the change")} labelId="undo-title" />
            <ModalBody>
                {!prepared && <Spinner size="lg" aria-label={_("Reading the guests again…")} />}
                {prepared?.map((p, i) => {
                    const name = items[i]!.plan.guest.name;
                    const result = results?.[ready.indexOf(p as typeof ready[number])];
                    return (
                        <section key={i} data-undo-guest={name} data-undo={p.kind} className="np-undo-guest">
                            {prepared.length > 1 && <h3>{name}</h3>}
                            {p.kind === "conflict" && (
                                <PlanConflicts conflicts={p.conflicts} title={format(_("$0 changed since: Undo would overwrite that, so it changes nothing"), name)} />
                            )}
                            {p.kind === "error" && (
                                <Alert variant="danger" isInline title={format(_("$0 cannot be read: nothing will change"), name)}>{errorText(p.error)}</Alert>
                            )}
                            {p.kind === "ready" && !result && (
                                <>
                                    <PlanPreview plan={p.plan} host={host} />
                                    {pinnedInstead(p.restoredInstead).map(({ what, sides, cpus }) => (
                                        <p key={what + cpus} className="np-note" data-testid="undo-pinned-instead">
                                            {format(_("The $0 of the $1 had no pin before; libvirt cannot remove a pin, so Undo pins them to the CPUs they could use then ($2)."),
                                                    what, sides, cpus)}
                                        </p>
                                    ))}
                                </>
                            )}
                            {result?.kind === "ran" && (
                                <>
                                    <PlanResults results={result.results} checks={result.checks} host={host} />
                                    {partialText(result.results) && <Alert variant="danger" isInline title={partialText(result.results)!} data-testid="plan-partial" />}
                                </>
                            )}
                            {result?.kind === "stale" && (
                                <PlanConflicts conflicts={result.conflicts} title={_("The guest changed while Undo was open: nothing was written")} />
                            )}
                            {result?.kind === "error" && (
                                <Alert variant="danger" isInline title={_("Nothing changed")}>{errorText(result.error)}</Alert>
                            )}
                        </section>
                    );
                })}
                {results && results.every(r => r.kind === "ran" && !partialText(r.results)) && (
                    <Alert variant="success" isInline title={_("Undone: the previous pins are back")} data-testid="undo-done" />
                )}
            </ModalBody>
            <ModalFooter>
                {!results && (
                    <Button variant="primary" onClick={() => void run()} isLoading={busy} isDisabled={busy || ready.length === 0} data-testid="undo-apply">
                        {_("Undo")}
                    </Button>
                )}
                <Button variant="link" onClick={onClose} isDisabled={busy} data-testid="undo-close">{results ? _("Close") : _("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
};
