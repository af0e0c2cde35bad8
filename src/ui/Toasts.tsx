// Results of actions as toasts; an align toast offers Undo.
import React from "react";
import { Alert, AlertActionCloseButton, AlertActionLink, AlertGroup } from "@patternfly/react-core/dist/esm/components/Alert/index.js";
import { _ } from "./i18n";

export interface Toast {
    key: number;
    variant: "success" | "warning" | "danger" | "info";
    title: string;
    body?: string;
    onUndo?: () => void;
}

export const Toasts = ({ toasts, onClose }: { toasts: Toast[]; onClose: (key: number) => void }) => (
    <AlertGroup isToast isLiveRegion data-testid="toasts">
        {toasts.map(t => (
            <Alert key={t.key} variant={t.variant} title={t.title} data-toast={t.key} timeout={t.onUndo ? false : 15000}
                   onTimeout={() => onClose(t.key)}
                   actionClose={<AlertActionCloseButton onClose={() => onClose(t.key)} />}
                   actionLinks={t.onUndo ? <AlertActionLink onClick={() => { t.onUndo!(); onClose(t.key) }} data-testid="undo">{_("Undo")}</AlertActionLink> : undefined}>
                {t.body}
            </Alert>
        ))}
    </AlertGroup>
);
