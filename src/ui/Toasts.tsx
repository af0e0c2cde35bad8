// Results of changes as toasts; a change that can be undone offers Undo until the offer expires.
import React from "react";
import { Alert, AlertActionCloseButton, AlertActionLink, AlertGroup } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { _ } from "./i18n";
import type { Toast } from "./useToasts";

interface Props {
    toasts: Toast[];
    onClose: (key: string) => void;
    onUndo: (toast: Toast) => void;
}

export const Toasts = ({ toasts, onClose, onUndo }: Props) => (
    <AlertGroup isToast isLiveRegion data-testid="toasts">
        {toasts.map(t => {
            const offered = t.undo && t.undo.state !== "expired";
            return (
                <Alert key={t.key} variant={t.variant} title={t.title} data-toast={t.key} timeout={offered ? false : 15000}
                       data-undo={t.undo?.state ?? ""}
                       onTimeout={() => onClose(t.key)}
                       actionClose={<AlertActionCloseButton onClose={() => onClose(t.key)} />}
                       actionLinks={offered ? <AlertActionLink onClick={() => onUndo(t)} data-testid="undo">{_("Undo…")}</AlertActionLink> : undefined}>
                    {t.body}
                    {t.undo?.state === "expired" && <p data-testid="undo-expired">{_("Undo is no longer offered: the guest has changed since, or too much time has passed.")}</p>}
                </Alert>
            );
        })}
    </AlertGroup>
);
