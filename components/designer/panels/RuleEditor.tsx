"use client";
import { memo, useMemo } from "react";
import type { AccessRule, Operation, Problem } from "@/lib/design";
import type { TableParts } from "./TableEditor";
import { changeableColumns, rulePath, rulesOf, sharingCandidates } from "../edits/access";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { useDesigner } from "../state/hooks";
import { Button, Checkbox, FieldProblems, IconButton, Select } from "../ui/controls";
import { ConditionsEditor } from "./ConditionsEditor";

/**
 * The rules of one operation (spec §4), each with its own roles, conditions, and (update) the
 * columns it lets change or (select, update, delete) the rows shared with the user. The
 * operation is allowed when any rule admits; a rule admits when all of its parts hold.
 */

/** Parts a design file may give a rule of `op` that the form has no field for: their problems show on the rule. */
function misplaced(op: Operation): string[] {
  const lists = CONDITION_LISTS[op].map((l) => l.list as string);
  return [...["where", "check"].filter((l) => !lists.includes(l)), ...(op === "update" ? [] : ["columns"]), ...(op === "insert" ? ["sharedVia"] : [])];
}

const CONDITION_LISTS: Record<Operation, { list: "where" | "check"; caption: string }[]> = {
  select: [{ list: "where", caption: "Only rows where" }],
  insert: [{ list: "check", caption: "New rows must have" }],
  update: [
    { list: "where", caption: "Only rows where (before)" },
    { list: "check", caption: "Changed rows must have (after)" },
  ],
  delete: [{ list: "where", caption: "Only rows where" }],
};

export const OperationRules = memo(function OperationRules({
  tableIndex,
  table,
  op,
  roles,
  hasTenancy,
  problems,
}: {
  tableIndex: number;
  table: TableParts;
  op: Operation;
  roles: readonly string[];
  hasTenancy: boolean;
  problems: readonly Problem[];
}) {
  const rules = rulesOf(table, op);
  const anyoneLabel = hasTenancy ? "any member" : "signed-in";
  return (
    <div className="rounded-md border border-line" role="group" aria-label={`${op} rules`}>
      <div className="flex items-center gap-2 border-b border-line bg-subtle px-3 py-1.5">
        <span className="font-mono text-[12.5px] font-medium">{op}</span>
        <span className="flex-1 text-[11.5px] text-muted">
          {rules.length === 0
            ? "denied: no rule admits anyone"
            : rules.length === 1
              ? "allowed when this rule admits"
              : `allowed when any rule admits (the ${rules.length} rules OR together; each rule needs all of its own parts)`}
        </span>
        <Button size="sm" tone="ghost" icon="plus" aria-label={`Add ${op} rule`} onClick={() => run("addRule", { table: tableIndex, op })}>
          rule
        </Button>
      </div>
      {rules.length > 0 && (
        <ol className="divide-y divide-line">
          {rules.map((rule, index) => (
            <RuleCard
              key={index}
              tableIndex={tableIndex}
              table={table}
              op={op}
              index={index}
              count={rules.length}
              rule={rule}
              roles={roles}
              hasTenancy={hasTenancy}
              anyoneLabel={anyoneLabel}
              problems={problemsAt(problems, rulePath(tableIndex, table, op, index), true)}
            />
          ))}
        </ol>
      )}
    </div>
  );
});

function RuleCard({
  tableIndex,
  table,
  op,
  index,
  count,
  rule,
  roles,
  hasTenancy,
  anyoneLabel,
  problems,
}: {
  tableIndex: number;
  table: TableParts;
  op: Operation;
  index: number;
  count: number;
  rule: AccessRule;
  roles: readonly string[];
  hasTenancy: boolean;
  anyoneLabel: string;
  problems: readonly Problem[];
}) {
  const path = rulePath(tableIndex, table, op, index);
  const name = count > 1 ? `${op} rule ${index + 1}` : `${op} rule`;
  const at = (sub: string) => problemsAt(problems, `${path}.${sub}`, true);
  const anyone = rule.roles === undefined;
  const shownRoles = [...(hasTenancy ? roles : []), ...(rule.roles ?? []).filter((r) => !hasTenancy || !roles.includes(r))];
  const setRole = (grantee: { kind: "role"; role: string } | { kind: "anyone" }, on: boolean) => run("setRuleRole", { table: tableIndex, op, rule: index, grantee, on });

  return (
    <li className="px-3 py-2" data-path={path} aria-label={name}>
      {count > 1 && index > 0 && <p className="-mt-1 mb-1 text-[11px] font-medium tracking-wide text-faint uppercase">or</p>}
      <div className="flex items-start gap-2">
        <span className="w-14 shrink-0 pt-0.5 text-[12px] font-medium">{count > 1 ? `Rule ${index + 1}` : "Rule"}</span>
        <div className="min-w-0 flex-1">
          <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1" data-path={`${path}.roles`}>
            <legend className="sr-only">Who {name} admits</legend>
            <span className="text-[12px] text-muted">who:</span>
            <Checkbox label={`${name} ${anyoneLabel}`} visibleLabel={<span className="font-mono text-[12.5px]">{anyoneLabel}</span>} checked={anyone} onValue={(on) => setRole({ kind: "anyone" }, on)} />
            {shownRoles.map((role) => (
              <Checkbox
                key={role}
                label={`${name} ${role}`}
                visibleLabel={<span className={`font-mono text-[12.5px] ${roles.includes(role) ? "" : "text-danger"}`}>{role}</span>}
                checked={anyone || !!rule.roles?.includes(role)}
                disabled={anyone}
                title={anyone ? `${name} admits ${anyoneLabel}` : `${name} admits ${role}`}
                onValue={(on) => setRole({ kind: "role", role }, on)}
              />
            ))}
          </fieldset>
          <FieldProblems problems={at("roles")} />
          {CONDITION_LISTS[op].map(({ list, caption }) => (
            <ConditionsEditor key={list} tableIndex={tableIndex} table={table} list={{ scope: "access", op, list, rule: index }} caption={caption} />
          ))}
          {op === "update" && <ColumnsAllowed path={`${path}.columns`} tableIndex={tableIndex} table={table} index={index} rule={rule} name={name} problems={at("columns")} />}
          {op !== "insert" && <SharedRows path={`${path}.sharedVia`} tableIndex={tableIndex} op={op} index={index} rule={rule} name={name} problems={at("sharedVia")} />}
          <FieldProblems problems={[...problemsAt(problems, path), ...misplaced(op).flatMap((sub) => at(sub))]} />
        </div>
        <IconButton icon="x" tone="danger" label={`Remove ${name}`} onClick={() => run("removeRule", { table: tableIndex, op, rule: index })} />
      </div>
    </li>
  );
}

/** Update rules: which columns the rule lets change (the others must keep their values, else 42501). */
function ColumnsAllowed({ path, tableIndex, table, index, rule, name, problems }: { path: string; tableIndex: number; table: TableParts; index: number; rule: AccessRule; name: string; problems: readonly Problem[] }) {
  const limited = rule.columns !== undefined;
  const listed = rule.columns ?? [];
  const missing = listed.filter((c) => !table.columns.some((col) => col.name === c));
  return (
    <div className="mt-1.5" data-path={path}>
      <Checkbox
        label={`${name} only some columns`}
        visibleLabel={<span className="text-[12px] text-muted">Only these columns may change</span>}
        checked={limited}
        onValue={(on) => run("setRuleColumns", { table: tableIndex, rule: index, columns: on ? changeableColumns(table) : undefined })}
      />
      {limited && (
        <fieldset className="mt-1 ml-5 flex flex-wrap gap-x-3 gap-y-1">
          <legend className="sr-only">Columns {name} may change</legend>
          {[...table.columns.map((c) => c.name), ...missing].map((column) => (
            <Checkbox
              key={column}
              label={`${name} may change ${column}`}
              visibleLabel={<span className={`font-mono text-[12.5px] ${missing.includes(column) ? "text-danger" : ""}`}>{column}</span>}
              checked={listed.includes(column)}
              onValue={(on) => run("setRuleColumn", { table: tableIndex, rule: index, column, on })}
            />
          ))}
        </fieldset>
      )}
      <FieldProblems problems={problems} />
    </div>
  );
}

/** Select, update, delete: the rule may admit the rows shared with the user through a sharing table. */
function SharedRows({ path, tableIndex, op, index, rule, name, problems }: { path: string; tableIndex: number; op: Operation; index: number; rule: AccessRule; name: string; problems: readonly Problem[] }) {
  // As text, so that an edit elsewhere (typing a table's name) leaves the rule alone unless its choices change.
  const candidatesKey = useDesigner((s) => JSON.stringify(sharingCandidates(s.design, s.design.tables[tableIndex]?.name ?? "")));
  const candidates = useMemo(() => JSON.parse(candidatesKey) as ReturnType<typeof sharingCandidates>, [candidatesKey]);
  const current = rule.sharedVia;
  if (candidates.length === 0 && !current) return null;
  const options = current && !candidates.some((c) => c.table === current.table) ? [current, ...candidates] : candidates;
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-2" data-path={path}>
      <span className="text-[12px] text-muted">Only rows shared with the user through</span>
      <span className="w-56">
        <Select
          label={`${name} shared through`}
          value={current?.table ?? ""}
          invalid={problems.length > 0}
          onValue={(value) => run("setRuleSharedVia", { table: tableIndex, op, rule: index, sharedVia: options.find((c) => c.table === value) })}
          className="font-mono text-[12.5px]"
        >
          <option value="">(not limited to shared rows)</option>
          {options.map((c) => (
            <option key={c.table} value={c.table}>
              {c.table}
            </option>
          ))}
        </Select>
      </span>
      {current && (
        <span className="font-mono text-[11.5px] text-muted">
          {current.row} = row key, {current.user} = the user
        </span>
      )}
      <FieldProblems problems={problems} className="w-full" />
    </div>
  );
}
