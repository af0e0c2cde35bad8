// The page: the host's guests and where their threads run.
import React, { useMemo } from "react";
import { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core/dist/esm/components/Card/index.js";
import { Page, PageSection } from "@patternfly/react-core/dist/esm/components/Page/index.js";
import { placementCompute } from "../model/placement";
import type { Policy } from "../model/policy";
import { GuestsTable, type GuestRow } from "./GuestsTable";
import { _ } from "./i18n";
import { LibvirtProblemState, LoadingState, NoGuestsState } from "./StatusViews";
import { useHostData } from "./useHostData";

const POLICY: Policy = { kind: "node" };

export const App = () => {
    const data = useHostData("system");

    const rows: GuestRow[] = useMemo(() => {
        if (data.status !== "ready") return [];
        return data.guests.map(guest => ({
            guest,
            placement: placementCompute({
                host: data.host, state: guest.state, persistent: guest.persistent,
                config: guest.config, saved: guest.saved, policy: POLICY,
            }),
        }));
    }, [data]);

    let body: React.ReactNode;
    if (data.status === "loading") body = <LoadingState />;
    else if (data.status === "error") body = <LibvirtProblemState error={data.error} onRetry={data.reload} />;
    else if (rows.length === 0) body = <NoGuestsState />;
    else body = <GuestsTable rows={rows} policy={POLICY.kind} />;

    return (
        <Page data-page-status={data.status} isContentFilled>
            <PageSection>
                <Card>
                    <CardHeader><CardTitle component="h2">{_("Virtual machines")}</CardTitle></CardHeader>
                    <CardBody>{body}</CardBody>
                </Card>
            </PageSection>
        </Page>
    );
};
