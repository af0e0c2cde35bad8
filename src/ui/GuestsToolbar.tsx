// Above the guests table: the policy that verdicts follow, and filters by name and verdict.
import React from "react";
import { SearchInput } from "@patternfly/react-core/dist/esm/components/SearchInput/index.js";
import { ToggleGroup, ToggleGroupItem } from "@patternfly/react-core/dist/esm/components/ToggleGroup/index.js";
import { Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core/dist/esm/components/Toolbar/index.js";
import { FormSelect, FormSelectOption } from "@patternfly/react-core/dist/esm/components/FormSelect/index.js";
import { VERDICT_ORDER, type VerdictKind } from "../model/placement";
import type { PolicyKind } from "../model/policy";
import { _ } from "./i18n";
import { policyHelp, policyName } from "./words";
import { verdictLabel } from "./verdictText";

export const VIEW_POLICIES: readonly Exclude<PolicyKind, "custom">[] = ["node", "llc", "vcpus", "housekeeping"];

interface Props {
    policy: PolicyKind;
    onPolicy: (p: PolicyKind) => void;
    nameFilter: string;
    onNameFilter: (s: string) => void;
    verdictFilter: VerdictKind | "";
    onVerdictFilter: (v: VerdictKind | "") => void;
    actions?: React.ReactNode;
}

export const GuestsToolbar = ({ policy, onPolicy, nameFilter, onNameFilter, verdictFilter, onVerdictFilter, actions }: Props) => (
    <Toolbar data-testid="guests-toolbar">
        <ToolbarContent>
            <ToolbarItem>
                <ToggleGroup aria-label={_("Alignment policy")} data-testid="policy">
                    {VIEW_POLICIES.map(p => (
                        <ToggleGroupItem key={p} text={policyName(p)} buttonId={`policy-${p}`} isSelected={policy === p}
                                         onChange={() => onPolicy(p)} aria-description={policyHelp(p)} />
                    ))}
                </ToggleGroup>
            </ToolbarItem>
            <ToolbarItem>
                <SearchInput aria-label={_("Filter by name")} placeholder={_("Filter by name")} value={nameFilter}
                             onChange={(_ev, v) => onNameFilter(v)} onClear={() => onNameFilter("")} data-testid="name-filter" />
            </ToolbarItem>
            <ToolbarItem>
                <FormSelect aria-label={_("Filter by verdict")} value={verdictFilter} data-testid="verdict-filter"
                            onChange={(_ev, v) => onVerdictFilter(v as VerdictKind | "")}>
                    <FormSelectOption value="" label={_("All verdicts")} />
                    {VERDICT_ORDER.map(v => <FormSelectOption key={v} value={v} label={verdictLabel(v, policy).text} />)}
                </FormSelect>
            </ToolbarItem>
            {actions && <ToolbarItem align={{ default: "alignEnd" }}>{actions}</ToolbarItem>}
        </ToolbarContent>
    </Toolbar>
);
