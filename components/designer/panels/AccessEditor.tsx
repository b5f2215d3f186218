"use client";
import { memo, useMemo } from "react";
import { OPERATIONS, type Operation } from "@/lib/design/vocabulary";
import type { TableParts } from "./TableEditor";
import { matrixCell, ruleCount, type Grantee } from "../edits/access";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { NO_ROLES, useDesigner, useProblems } from "../state/hooks";
import { Checkbox, FieldProblems, Section } from "../ui/controls";
import { OperationRules } from "./RuleEditor";

/**
 * Who may do what. The matrix is the quick view: a cell is ticked when some rule of the
 * operation admits that role. Below it, every operation's rules in full (RuleEditor): the
 * operation is allowed when any of its rules admits. An operation without a rule is denied.
 */

const OP_HINTS: Record<Operation, string> = {
  select: "read rows",
  insert: "add rows",
  update: "change rows",
  delete: "remove rows",
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
  const roles = hasTenancy ? declared : NO_ROLES;
  // Each rule's own problems show beside it below; here only those of the access object itself.
  const accessProblems = problemsAt(problems, path);

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
                const anyone = matrixCell({ access }, op, { kind: "anyone" });
                return (
                  <td key={op} className="border-b border-line py-1 text-center">
                    <Checkbox
                      label={`${role} ${op}`}
                      checked={matrixCell({ access }, op, { kind: "role", role })}
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
              return (
                <td key={op} className="py-1 text-center">
                  <Checkbox label={`${anyoneLabel} ${op}`} checked={matrixCell({ access }, op, { kind: "anyone" })} onValue={(on) => set(op, { kind: "anyone" }, on)} />
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
      {OPERATIONS.some((op) => ruleCount({ access }, op) > 1) && (
        <p className="mt-1 text-[11px] text-muted">
          A tick shows that some rule admits the role. With several rules, ticking adds the role to rule 1; unticking takes it out of every rule.
        </p>
      )}
      <FieldProblems problems={accessProblems} />
      <h3 className="mt-3 mb-1 text-[12px] font-medium">Rules</h3>
      <p className="mb-2 text-[11.5px] text-muted">
        Each operation is allowed when any of its rules admits the row (rules OR together); a rule admits only when all of its parts hold (its roles, its conditions, its shared rows, its columns).
      </p>
      <div className="space-y-2">
        {OPERATIONS.map((op) => (
          <OperationRules key={op} tableIndex={tableIndex} table={table} op={op} roles={roles} hasTenancy={hasTenancy} problems={problemsAt(problems, `${path}.${op}`, true)} />
        ))}
      </div>
    </Section>
  );
});
