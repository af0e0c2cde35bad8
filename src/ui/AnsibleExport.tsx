// "Export as Ansible": the previewed plan (one guest's, or a batch's) as a playbook for this host (model/ansible.ts).
import React from "react";
import { Button } from "@patternfly/react-core/dist/esm/components/Button/index.js";
import { playbookText } from "../model/ansible";
import type { ChangePlan } from "../model/change";
import { downloadText, fileStamp, TOOL } from "./download";
import { _ } from "./i18n";

export const AnsibleExport = ({ plans, title, isDisabled = false }: { plans: ChangePlan[]; title: string; isDisabled?: boolean }) => (
    <Button variant="secondary" data-testid="export-ansible" isDisabled={isDisabled || plans.every(p => p.ops.length === 0)}
            onClick={() => {
                const now = new Date();
                const text = playbookText({ title, tool: `${TOOL.name} ${TOOL.version}`, generated: now.toISOString(), plans: plans.filter(p => p.ops.length) });
                downloadText(`numa-placement-playbook-${fileStamp(now)}.yml`, "application/yaml", text);
            }}>
        {_("Export as Ansible")}
    </Button>
);
