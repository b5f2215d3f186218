"use client";
import { memo, useState } from "react";
import type { Condition, ConditionOp, Problem } from "@/lib/design";
import { CONDITION_OPS } from "@/lib/design/vocabulary";
import type { TableParts } from "./TableEditor";
import { conditionListPath, conditionsAt, ruleCount, type ConditionListRef } from "../edits/access";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { useProblems } from "../state/hooks";
import { Button, FieldProblems, IconButton, Select, TextInput } from "../ui/controls";

/** A list of conditions (column, operator, value) that must all hold: an access rule's where or check. */

const OP_LABELS: Record<ConditionOp, string> = {
  eq: "=",
  neq: "≠",
  in: "in",
  notIn: "not in",
  lt: "<",
  lte: "≤",
  gt: ">",
  gte: "≥",
  isNull: "is null",
  isNotNull: "is not null",
};

type Scalar = string | number | boolean | null;
type Value = Condition["value"];

function family(type: string | undefined): "text" | "number" | "boolean" | "other" {
  const t = (type ?? "").trim().toLowerCase();
  if (t.endsWith("[]") || t === "json" || t === "jsonb") return "other";
  if (["integer", "bigint", "smallint", "numeric", "real", "double precision"].includes(t)) return "number";
  if (t === "boolean") return "boolean";
  return "text";
}

function parseScalar(text: string, kind: ReturnType<typeof family>): Scalar {
  const trimmed = text.trim();
  if (trimmed === "$user" || trimmed === "$org") return trimmed;
  if (kind === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (kind === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  return text;
}

/** The text a user types, turned into the design's value: numbers for number columns, lists for in. */
export function parseValue(text: string, op: ConditionOp, kind: ReturnType<typeof family>): Value {
  if (op === "isNull" || op === "isNotNull") return undefined;
  if (op === "in" || op === "notIn") {
    const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return items.length > 0 ? items.map((s) => parseScalar(s, kind)) : undefined;
  }
  return text.trim() === "" ? undefined : parseScalar(text, kind);
}

export function formatValue(value: Value): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => String(v)).join(", ");
  return String(value);
}

const sameValue = (a: Value, b: Value) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The words the controls are named by: "update where" for an operation's only rule,
 * "update rule 2 where" inside a list of rules, "signed-out select where".
 */
export function conditionListName(table: TableParts, list: ConditionListRef): string {
  if (list.scope === "anonymous") return `signed-out ${list.op} ${list.list}`;
  return ruleCount(table, list.op) > 1 ? `${list.op} rule ${(list.rule ?? 0) + 1} ${list.list}` : `${list.op} ${list.list}`;
}

export function ConditionsEditor({ tableIndex, table, list, caption }: { tableIndex: number; table: TableParts; list: ConditionListRef; caption: string }) {
  const conditions = conditionsAt(table, list);
  const path = conditionListPath(tableIndex, list, table);
  const problems = useProblems(path, true);
  const name = conditionListName(table, list);
  return (
    <div className="mt-1.5" data-path={path}>
      <div className="flex items-center gap-2">
        <span className="text-[12px] text-muted">{caption}</span>
        <Button size="sm" tone="ghost" icon="plus" aria-label={`Add ${name} condition`} onClick={() => run("addCondition", { table: tableIndex, list })}>
          {list.list === "where" ? "where" : "check"}
        </Button>
      </div>
      {conditions.length > 0 && (
        <ul className="mt-1 space-y-1" aria-label={`${name} conditions`}>
          {conditions.map((condition, index) => (
            <ConditionRow
              key={index}
              tableIndex={tableIndex}
              table={table}
              list={list}
              index={index}
              condition={condition}
              name={`${name} ${index + 1}`}
              problems={problemsAt(problems, `${path}[${index}]`, true)}
            />
          ))}
        </ul>
      )}
      <FieldProblems problems={problemsAt(problems, path)} />
    </div>
  );
}

const ConditionRow = memo(function ConditionRow({
  tableIndex,
  table,
  list,
  index,
  condition,
  name,
  problems,
}: {
  tableIndex: number;
  table: TableParts;
  list: ConditionListRef;
  index: number;
  condition: Condition;
  name: string;
  problems: readonly Problem[];
}) {
  const path = `${conditionListPath(tableIndex, list, table)}[${index}]`;
  const column = table.columns.find((c) => c.name === condition.column);
  const kind = family(column?.type);
  const set = (next: Condition, typing = false) => run("setCondition", { table: tableIndex, list, index, condition: next, typing });
  const at = (sub: string) => problemsAt(problems, `${path}.${sub}`, true);
  const noValue = condition.op === "isNull" || condition.op === "isNotNull";
  const problemsId = `cond-${path}`;

  const changeOp = (op: ConditionOp) => {
    const listOp = op === "in" || op === "notIn";
    let value: Value = condition.value;
    if (op === "isNull" || op === "isNotNull") value = undefined;
    else if (listOp && value !== undefined && !Array.isArray(value)) value = [value];
    else if (!listOp && Array.isArray(value)) value = value[0];
    set({ column: condition.column, op, value });
  };

  return (
    <li className="rounded-md bg-subtle px-2 py-1.5">
      <div className="grid grid-cols-[minmax(0,1fr)_96px_minmax(0,1.2fr)_24px] items-center gap-1.5">
        <Select label={`${name} column`} value={condition.column} invalid={at("column").length > 0} onValue={(c) => set({ ...condition, column: c })} className="font-mono text-[12.5px]" data-path={`${path}.column`}>
          {!column && <option value={condition.column}>{condition.column || "(choose)"}</option>}
          {table.columns.map((c, i) => (
            <option key={i} value={c.name}>
              {c.name}
            </option>
          ))}
        </Select>
        <Select label={`${name} operator`} value={condition.op} invalid={at("op").length > 0} onValue={(op) => changeOp(op as ConditionOp)} data-path={`${path}.op`}>
          {CONDITION_OPS.map((op) => (
            <option key={op} value={op}>
              {OP_LABELS[op]}
            </option>
          ))}
        </Select>
        {noValue ? (
          <span className="px-2 text-[12px] text-faint">no value</span>
        ) : kind === "boolean" && (condition.op === "eq" || condition.op === "neq") ? (
          <Select
            label={`${name} value`}
            value={typeof condition.value === "boolean" ? String(condition.value) : ""}
            invalid={at("value").length > 0}
            onValue={(v) => set({ ...condition, value: v === "" ? undefined : v === "true" })}
            data-path={`${path}.value`}
          >
            <option value="">(choose)</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </Select>
        ) : (
          <ValueInput
            label={`${name} value`}
            value={condition.value}
            op={condition.op}
            kind={kind}
            problems={at("value")}
            problemsId={problemsId}
            path={`${path}.value`}
            onValue={(value) => set({ ...condition, value }, true)}
          />
        )}
        <IconButton icon="x" tone="danger" label={`Remove ${name} condition`} onClick={() => run("removeCondition", { table: tableIndex, list, index })} />
      </div>
      <FieldProblems problems={problems} id={problemsId} />
    </li>
  );
});

/**
 * Keeps the text as typed ("1." stays "1." while the design holds 1), and follows the design
 * when it changes from elsewhere (undo, another field).
 */
function ValueInput({
  label,
  value,
  op,
  kind,
  problems,
  problemsId,
  path,
  onValue,
}: {
  label: string;
  value: Value;
  op: ConditionOp;
  kind: ReturnType<typeof family>;
  problems: readonly Problem[];
  problemsId: string;
  path: string;
  onValue: (value: Value) => void;
}) {
  const [draft, setDraft] = useState(() => formatValue(value));
  const [shown, setShown] = useState<Value>(value);
  if (!sameValue(value, shown)) {
    setShown(value);
    if (!sameValue(parseValue(draft, op, kind), value)) setDraft(formatValue(value));
  }
  const listOp = op === "in" || op === "notIn";
  return (
    <TextInput
        label={label}
        value={draft}
        placeholder={listOp ? "a, b, c" : kind === "text" ? "value, $user or $org" : "value"}
        onValue={(text) => {
          setDraft(text);
          const next = parseValue(text, op, kind);
          setShown(next);
          onValue(next);
        }}
        problems={problems}
        problemsId={problemsId}
        list={kind === "text" && !listOp ? "condition-tokens" : undefined}
        mono
        data-path={path}
      />
  );
}

/** Suggestions for value boxes: the two tokens. Rendered once per page. */
export function ConditionTokenList() {
  return (
    <datalist id="condition-tokens">
      <option value="$user">the signed-in user</option>
      <option value="$org">the active organization</option>
    </datalist>
  );
}
