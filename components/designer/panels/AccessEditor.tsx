"use client";
import { Fragment, memo, useMemo } from "react";
import { OPERATIONS, type Operation } from "@/lib/design";
import type { TableParts } from "./TableEditor";
import { ruleAt, ruleCount, type Grantee } from "../edits/access";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { NO_ROLES, useDesigner, useProblems } from "../state/hooks";
import { Checkbox, FieldProblems, Section } from "../ui/controls";
import { ConditionsEditor } from "./ConditionsEditor";

/**
 * Who may do what: organization roles (or everyone signed in) against select, insert, update and
 * delete, with the conditions each allowed operation adds. An unticked operation is denied.
 */

const OP_HINTS: Record<Operation, string> = {
  select: "read rows",
  insert: "add rows",
  update: "change rows",
  delete: "remove rows",
};

const CONDITION_LISTS: Record<Operation, { list: "where" | "check"; caption: string }[]> = {
  select: [{ list: "where", caption: "Only rows where" }],
  insert: [{ list: "check", caption: "New rows must have" }],
  update: [
    { list: "where", caption: "Only rows where (before)" },
    { list: "check", caption: "Changed rows must have (after)" },
  ],
  delete: [{ list: "where", caption: "Only rows where" }],
};

export const AccessEditor = memo(function AccessEditor({ tableIndex, table }: { tableIndex: number; table: TableParts }) {
  const declared = useDesigner((s) => s.design.roles ?? NO_ROLES);
  const hasTenancy = useDesigner((s) => s.design.auth.tenancy !== undefined);
  const path = `tables[${tableIndex}].access`;
  const problems = useProblems(path, true);
  const access = useMemo(() => table.access ?? {}, [table.access]);

  const rows = useMemo(() => {
    const used = OPERATIONS.flatMap((op) => { const given = access[op]; return (Array.isArray(given) ? given : given ? [given] : []).flatMap((r) => r.roles ?? []); });
    const roles = hasTenancy ? declared : [];
    const undeclared = [...new Set(used.filter((r) => !roles.includes(r)))];
    return [
      ...roles.map((role) => ({ role, undeclared: false })),
      ...undeclared.map((role) => ({ role, undeclared: true })),
    ];
  }, [access, declared, hasTenancy]);

  const anyoneLabel = hasTenancy ? "any member" : "signed-in";
  const set = (op: Operation, grantee: Grantee, allowed: boolean) => run("setAccess", { table: tableIndex, op, grantee, allowed });
  const roleProblems = OPERATIONS.flatMap((op) => problemsAt(problems, `${path}.${op}.roles`, true));
  const allowedOps = OPERATIONS.filter((op) => access[op]);

  return (
    <Section
      title="Access"
      description={
        hasTenancy
          ? "Which organization roles may do what. “any member” allows everyone in the organization, whatever their role."
          : "What signed-in users may do (within the firewall). Add tenancy in Project to grant by organization role."
      }
    >
      <table className="w-full table-fixed border-separate border-spacing-0 overflow-hidden rounded-md border border-line text-[12.5px]" data-path={path}>
        <thead>
          <tr className="bg-subtle">
            <th scope="col" className="w-[34%] border-b border-line px-3 py-1.5 text-left text-[11.5px] font-medium text-muted">
              {hasTenancy ? "Role" : "Who"}
            </th>
            {OPERATIONS.map((op) => (
              <th key={op} scope="col" className="border-b border-line px-2 py-1.5 text-center font-mono text-[12px] font-medium">
                {op}
                <span className="block font-sans text-[10.5px] font-normal text-faint">{OP_HINTS[op]}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ role, undeclared }) => (
            <tr key={role} className="hover:bg-subtle">
              <th scope="row" className="border-b border-line px-3 py-1 text-left font-mono font-normal">
                {role}
                {undeclared && <span className="ml-1.5 font-sans text-[11px] text-danger">not declared</span>}
              </th>
              {OPERATIONS.map((op) => {
                const rule = ruleAt({ access }, op);
                const anyone = !!rule && rule.roles === undefined;
                return (
                  <td key={op} className="border-b border-line py-1 text-center">
                    <Checkbox
                      label={`${role} ${op}`}
                      checked={anyone || !!rule?.roles?.includes(role)}
                      disabled={anyone}
                      title={anyone ? `Allowed: ${anyoneLabel} may ${op}` : `${role} may ${op}`}
                      onValue={(on) => set(op, { kind: "role", role }, on)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
          <tr className="hover:bg-subtle">
            <th scope="row" className="px-3 py-1 text-left font-normal">
              <span className="font-mono" title={hasTenancy ? "Every member of the organization, whatever their role" : "Every signed-in user"}>
                {anyoneLabel}
              </span>
            </th>
            {OPERATIONS.map((op) => {
              const rule = ruleAt({ access }, op);
              return (
                <td key={op} className="py-1 text-center">
                  <Checkbox label={`${anyoneLabel} ${op}`} checked={!!rule && rule.roles === undefined} onValue={(on) => set(op, { kind: "anyone" }, on)} />
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
      {OPERATIONS.filter((op) => ruleCount({ access }, op) > 1).map((op) => (
        <p key={op} className="mt-1 text-[11px] text-muted">
          {op} has {ruleCount({ access }, op)} rules: it is allowed when any one of them admits the row (they OR together). This matrix edits the first; the others stay as the design file has them.
        </p>
      ))}
      <FieldProblems problems={roleProblems} />
      {allowedOps.length > 0 && (
        <div className="mt-3 space-y-2.5">
          {allowedOps.map((op) => (
            <div key={op} className="grid grid-cols-[64px_minmax(0,1fr)] gap-2">
              <span className="pt-1.5 font-mono text-[12px] font-medium">{op}</span>
              <div>
                {CONDITION_LISTS[op].map(({ list, caption }) => (
                  <Fragment key={list}>
                    <ConditionsEditor tableIndex={tableIndex} table={table} list={{ scope: "access", op, list }} caption={caption} />
                  </Fragment>
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
      {allowedOps.length === 0 && <p className="mt-2 text-[12px] text-muted">Nothing is allowed yet: every operation is denied.</p>}
    </Section>
  );
});
