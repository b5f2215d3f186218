"use client";
import { memo, useMemo } from "react";
import type { TableParts } from "./TableEditor";
import { parentColumns } from "../edits/firewall";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { NO_ROLES, useDesigner, useProblems, useWarnings } from "../state/hooks";
import { Checkbox, FieldProblems, Section, Select } from "../ui/controls";

/**
 * Tenant isolation: organization column, owner column (with mode and bypass roles), through a
 * parent row (spec §4: offered when a column references another table's primary key), or public.
 */
export const FirewallEditor = memo(function FirewallEditor({ tableIndex, table }: { tableIndex: number; table: TableParts }) {
  const roles = useDesigner((s) => s.design.roles ?? NO_ROLES);
  const hasTenancy = useDesigner((s) => s.design.auth.tenancy !== undefined);
  const path = `tables[${tableIndex}].firewall`;
  const problems = useProblems(path, true);
  const ownerWarnings = useWarnings(`${path}.owner.column`);
  const firewall = table.firewall;
  const org = firewall?.organization;
  const owner = firewall?.owner;
  const isPublic = firewall?.public === true;
  const parent = firewall?.parent;
  // As text, so that an edit elsewhere (typing a table's name) leaves the firewall alone unless its choices change.
  const parentKey = useDesigner((s) => JSON.stringify(parentColumns(s.design, { name: s.design.tables[tableIndex]?.name ?? "", columns: table.columns })));
  const parentChoices = useMemo(() => JSON.parse(parentKey) as string[], [parentKey]);
  const referencedTable = (column: string) => table.columns.find((c) => c.name === column)?.references?.table;
  const set = (part: "organization" | "owner" | "public", on: boolean) => run("setFirewall", { table: tableIndex, part, on });
  const columnOptions = (current: string | undefined) => {
    const names = table.columns.map((c) => c.name);
    return (
      <>
        {current !== undefined && !names.includes(current) && <option value={current}>{current} (missing)</option>}
        {table.columns.map((c, i) => (
          <option key={i} value={c.name}>
            {c.name}
          </option>
        ))}
      </>
    );
  };
  const own = (sub: string) => problemsAt(problems, `${path}.${sub}`, true);
  const general = problemsAt(problems, path);

  return (
    <Section title="Firewall" description="Tenant isolation, enforced on every operation before access is checked (a restrictive policy).">
      <div className="space-y-2" data-path={path}>
        <div className="rounded-md border border-line">
          <div className="flex min-h-10 items-center gap-x-3 px-3 py-1.5">
            <Checkbox
              label="Organization firewall"
              visibleLabel={<span className="font-medium">Organization</span>}
              className="w-28"
              checked={!!org}
              onValue={(on) => set("organization", on)}
              title={hasTenancy ? "Rows belong to an organization; members see only their active organization's rows" : "Needs tenancy (set it in Project)"}
            />
            <span className="flex-1 text-[12px] text-muted">rows belong to the active organization</span>
            {org && (
              <span className="w-48">
                <Select
                  label="Organization column"
                  value={org.column}
                  invalid={own("organization").length > 0}
                  onValue={(column) => run("setFirewallColumn", { table: tableIndex, which: "organization", column })}
                  className="font-mono text-[12.5px]"
                  data-path={`${path}.organization.column`}
                >
                  {columnOptions(org.column)}
                </Select>
              </span>
            )}
          </div>
          <FieldProblems problems={own("organization")} className="px-3 pb-2" />
        </div>

        <div className="rounded-md border border-line">
          <div className="flex min-h-10 items-center gap-x-3 px-3 py-1.5">
            <Checkbox
              label="Owner firewall"
              visibleLabel={<span className="font-medium">Owner</span>}
              className="w-28"
              checked={!!owner}
              onValue={(on) => set("owner", on)}
              title="Rows belong to the user who owns them"
            />
            <span className="flex-1 text-[12px] text-muted">rows belong to a user</span>
            {owner && (
              <span className="w-48">
                <Select
                  label="Owner column"
                  value={owner.column}
                  invalid={own("owner.column").length > 0}
                  onValue={(column) => run("setFirewallColumn", { table: tableIndex, which: "owner", column })}
                  className="font-mono text-[12.5px]"
                  data-path={`${path}.owner.column`}
                >
                  {columnOptions(owner.column)}
                </Select>
              </span>
            )}
          </div>
          {owner && (
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5 border-t border-line px-3 py-2">
              <span className="w-56">
                <Select
                  label="Owner mode"
                  value={owner.mode ?? "required"}
                  onValue={(mode) => run("setOwnerMode", { table: tableIndex, mode: mode as "required" | "optional" })}
                  data-path={`${path}.owner.mode`}
                >
                  <option value="required">Only the owner</option>
                  <option value="optional" disabled={roles.length === 0}>
                    The owner, or a bypass role
                  </option>
                </Select>
              </span>
              {owner.mode === "optional" && (
                <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1" data-path={`${path}.owner.bypassRoles`}>
                  <legend className="sr-only">Roles that bypass the owner check</legend>
                  <span className="text-[12px] text-muted">bypass:</span>
                  {roles.map((role) => (
                    <Checkbox
                      key={role}
                      label={`${role} bypasses owner`}
                      visibleLabel={<span className="font-mono text-[12.5px]">{role}</span>}
                      checked={owner.bypassRoles?.includes(role) ?? false}
                      onValue={(on) => run("setBypassRole", { table: tableIndex, role, on })}
                    />
                  ))}
                </fieldset>
              )}
            </div>
          )}
          <FieldProblems problems={[...own("owner.column"), ...own("owner.mode"), ...own("owner.bypassRoles")]} warnings={ownerWarnings} className="px-3 pb-2" />
        </div>

        {(parent || parentChoices.length > 0) && (
          <div className="rounded-md border border-line">
            <div className="flex min-h-10 items-center gap-x-3 px-3 py-1.5">
              <Checkbox
                label="Parent firewall"
                visibleLabel={<span className="font-medium">Through a parent</span>}
                className="w-36"
                checked={!!parent}
                onValue={(on) => run("setParentFirewall", { table: tableIndex, column: on ? parentChoices[0] : undefined })}
                title="Rows belong wherever the parent row they reference belongs (the parent's firewall decides)"
              />
              <span className="flex-1 text-[12px] text-muted">
                {parent && referencedTable(parent.column) ? `a row belongs wherever its ${referencedTable(parent.column)} row belongs` : "rows belong wherever their parent row belongs"}
              </span>
              {parent && (
                <span className="w-48">
                  <Select
                    label="Parent column"
                    value={parent.column}
                    invalid={own("parent").length > 0}
                    onValue={(column) => run("setParentFirewall", { table: tableIndex, column })}
                    className="font-mono text-[12.5px]"
                    data-path={`${path}.parent.column`}
                  >
                    {!parentChoices.includes(parent.column) && <option value={parent.column}>{parent.column} (no reference to a key)</option>}
                    {parentChoices.map((column) => (
                      <option key={column} value={column}>
                        {column} → {referencedTable(column)}
                      </option>
                    ))}
                  </Select>
                </span>
              )}
            </div>
            <FieldProblems problems={own("parent")} className="px-3 pb-2" />
          </div>
        )}

        <div className="rounded-md border border-line">
          <div className="flex min-h-10 items-center gap-x-3 px-3 py-1.5">
            <Checkbox label="Public table" visibleLabel={<span className="font-medium">Public</span>} className="w-28" checked={isPublic} onValue={(on) => set("public", on)} />
            <span className="text-[12px] text-muted">no isolation: every signed-in user shares the rows (access still applies)</span>
          </div>
          <FieldProblems problems={own("public")} className="px-3 pb-2" />
        </div>
        <FieldProblems problems={general} />
      </div>
    </Section>
  );
});
