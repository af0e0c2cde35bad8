// Loading, empty and error states of the guests list.
import React from "react";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { EmptyState, EmptyStateBody, EmptyStateFooter, EmptyStateActions } from "@patternfly/react-core/dist/esm/components/EmptyState/index.js";
import { Spinner } from "@patternfly/react-core/dist/esm/components/Spinner/index.js";
import { Content } from "@patternfly/react-core/dist/esm/components/Content/index.js";
import { ExclamationCircleIcon } from "@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon.js";
import { VirtualMachineIcon } from "@patternfly/react-icons/dist/esm/icons/virtual-machine-icon.js";
import type { LibvirtError } from "../libvirt/dbus";
import { _ } from "./i18n";

export const LoadingState = () => (
    <EmptyState titleText={_("Loading virtual machines")} headingLevel="h2" icon={Spinner} data-state="loading" />
);

export const NoGuestsState = () => (
    <EmptyState titleText={_("No virtual machines")} headingLevel="h2" icon={VirtualMachineIcon} data-state="empty">
        <EmptyStateBody>{_("libvirt has no virtual machines on this host (qemu:///system).")}</EmptyStateBody>
    </EmptyState>
);

/** What the problem is, and what an admin does about it. */
export function libvirtProblemText(error: LibvirtError): { title: string; body: string; hint: string | null } {
    switch (error.kind) {
    case "no-libvirt-dbus":
        return {
            title: _("libvirt-dbus is not running"),
            body: _("This page reads virtual machines through libvirt-dbus (the org.libvirt service on the system bus), and nothing answers there."),
            hint: _("Install the libvirt-dbus package and start it: systemctl start libvirt-dbus"),
        };
    case "no-libvirtd":
        return {
            title: _("libvirtd is not running"),
            body: _("libvirt-dbus answers, but cannot reach the libvirt daemon."),
            hint: _("Start the libvirt daemon: systemctl start libvirtd (or virtqemud on modular hosts)"),
        };
    case "denied":
        return {
            title: _("Not allowed to read virtual machines"),
            body: _("libvirt refused access for this user."),
            hint: _("Turn on administrative access, or ask an administrator for access to libvirt."),
        };
    default:
        return { title: _("Cannot read virtual machines"), body: _("libvirt reported an error."), hint: null };
    }
}

export const LibvirtProblemState = ({ error, onRetry }: { error: LibvirtError; onRetry: () => void }) => {
    const text = libvirtProblemText(error);
    return (
        <EmptyState titleText={text.title} headingLevel="h2" icon={ExclamationCircleIcon} status="danger"
                    data-state="error" data-error-kind={error.kind}>
            <EmptyStateBody>
                <Content component="p">{text.body}</Content>
                {text.hint && <Content component="p">{text.hint}</Content>}
                <Content component="small">{error.message}</Content>
            </EmptyStateBody>
            <EmptyStateFooter>
                <EmptyStateActions>
                    <Button variant="primary" onClick={onRetry}>{_("Try again")}</Button>
                </EmptyStateActions>
                <Content component="small">{_("The page also tries again every few seconds.")}</Content>
            </EmptyStateFooter>
        </EmptyState>
    );
};
