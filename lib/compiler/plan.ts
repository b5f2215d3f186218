import { OPERATIONS, type Model, type ModelTable, type Operation } from "../design";
import type { TargetDialect } from "../targets";
import { and, conditionsSql, expressionsFor, firewallSql, ordersText, rolesSql } from "./expressions";
import { derivedName, uniqueName } from "./names";

/**
 * The policies and indexes a design needs, target-neutral except for role names and the auth
 * expressions. The SQL migrations and schema.ts are both written from this plan, so they agree.
 */
export interface PolicyPlan {
  readonly table: string;
  readonly name: string;
  readonly restrictive: boolean;
  readonly command: "all" | Operation;
  readonly role: "signedIn" | "anonymous";
  readonly using: string | null;
  readonly withCheck: string | null;
}

export interface IndexPlan {
  readonly table: string;
  readonly name: string;
  readonly columns: readonly string[];
  /** Columns indexed `COLLATE "C"`, as the policies order them (see ordersText); the rest use the column's collation. */
  readonly codePointColumns: readonly string[];
}

export interface TablePlan {
  readonly table: ModelTable;
  readonly policies: readonly PolicyPlan[];
  readonly indexes: readonly IndexPlan[];
  /** Privileges the anonymous role is granted (the signed-in role gets all four). */
  readonly anonymousGrants: readonly Operation[];
}

export function planTables(model: Model, dialect: TargetDialect): TablePlan[] {
  const relationNames = new Set(model.tables.map((t) => t.name));
  return model.tables.map((table) => ({
    table,
    policies: planPolicies(table, dialect),
    indexes: planIndexes(table, relationNames),
    anonymousGrants: OPERATIONS.filter((op) => (op === "select" || op === "insert") && table.anonymous[op] !== null),
  }));
}

function planPolicies(table: ModelTable, dialect: TargetDialect): PolicyPlan[] {
  const exprs = expressionsFor(dialect);
  const used = new Set<string>();
  const policy = (suffix: string, rest: Omit<PolicyPlan, "table" | "name">): PolicyPlan => ({
    table: table.name,
    name: uniqueName(derivedName(table.name, suffix), used),
    ...rest,
  });
  const policies: PolicyPlan[] = [];

  const firewall = firewallSql(table, table.firewall, exprs);
  if (firewall) {
    // RESTRICTIVE: it must AND with the access policies below; permissive policies would OR.
    policies.push(policy("firewall", { restrictive: true, command: "all", role: "signedIn", using: firewall, withCheck: firewall }));
  }

  for (const op of OPERATIONS) {
    const rule = table.access[op];
    if (!rule) continue;
    const roles = rolesSql(rule.roles, exprs);
    const where = conditionsSql(table, rule.where, exprs);
    const check = conditionsSql(table, rule.check, exprs);
    const using = op === "insert" ? null : (and(roles, where) ?? "true");
    // Without an explicit WITH CHECK, PostgreSQL would test USING (the old row's where) on the new row.
    const withCheck = op === "insert" ? (and(roles, check) ?? "true") : op === "update" ? (check ?? "true") : null;
    policies.push(policy(op, { restrictive: false, command: op, role: "signedIn", using, withCheck }));
  }

  const { select, insert } = table.anonymous;
  if (!select && !insert) {
    policies.push(policy("anonymous_deny", { restrictive: true, command: "all", role: "anonymous", using: "false", withCheck: "false" }));
  } else {
    if (select) policies.push(policy("anonymous_select", { restrictive: false, command: "select", role: "anonymous", using: conditionsSql(table, select.where, exprs) ?? "true", withCheck: null }));
    if (insert) policies.push(policy("anonymous_insert", { restrictive: false, command: "insert", role: "anonymous", using: null, withCheck: conditionsSql(table, insert.check, exprs) ?? "true" }));
    // Signed-out visitors never change rows, even if a later grant lets the role try.
    if (!select) policies.push(policy("anonymous_no_select", { restrictive: true, command: "select", role: "anonymous", using: "false", withCheck: null }));
    if (!insert) policies.push(policy("anonymous_no_insert", { restrictive: true, command: "insert", role: "anonymous", using: null, withCheck: "false" }));
    policies.push(policy("anonymous_no_update", { restrictive: true, command: "update", role: "anonymous", using: "false", withCheck: "false" }));
    policies.push(policy("anonymous_no_delete", { restrictive: true, command: "delete", role: "anonymous", using: "false", withCheck: null }));
  }
  return policies;
}

/**
 * Every column a policy compares on existing rows gets an index, led by the organization column.
 * A text column that a condition orders is indexed `COLLATE "C"`, the collation of that
 * comparison: an index of another collation cannot serve it.
 */
function planIndexes(table: ModelTable, relationNames: Set<string>): IndexPlan[] {
  type Wanted = { columns: string[]; codePoint: string | null };
  const wanted: Wanted[] = [];
  const firewall = table.firewall;
  const org = firewall.kind === "isolated" ? firewall.organization : null;
  if (firewall.kind === "isolated") {
    const lead = [firewall.organization, firewall.owner?.column].filter((c): c is string => c !== null && c !== undefined);
    if (lead.length > 0) wanted.push({ columns: lead, codePoint: null });
  }
  const filters = [
    ...OPERATIONS.flatMap((op) => (op === "insert" ? [] : (table.access[op]?.where ?? []))),
    ...(table.anonymous.select?.where ?? []),
  ];
  for (const condition of filters) {
    if (condition.op === "isNull" || condition.op === "isNotNull" || condition.op === "neq" || condition.op === "notIn") continue;
    const codePoint = ordersText(table, condition) ? condition.column : null;
    wanted.push({ columns: org && org !== condition.column ? [org, condition.column] : [condition.column], codePoint });
  }
  const indexes: IndexPlan[] = [];
  const seen = new Set<string>();
  const specOf = (columns: readonly string[], codePoint: readonly string[]) => columns.map((c) => JSON.stringify([c, codePoint.includes(c)]));
  for (const { columns, codePoint } of wanted) {
    const codePointColumns = codePoint ? [codePoint] : [];
    const spec = specOf(columns, codePointColumns);
    const key = JSON.stringify(spec);
    // An index led by the same columns (in the same collations) serves them; so does the primary key for itself.
    const covered =
      indexes.some((i) => {
        const other = specOf(i.columns, i.codePointColumns);
        return spec.every((c, k) => other[k] === c);
      }) ||
      (codePointColumns.length === 0 && JSON.stringify(table.primaryKey.slice(0, columns.length)) === JSON.stringify(columns));
    if (seen.has(key) || covered) continue;
    seen.add(key);
    const suffix = `${columns.join("_")}${codePointColumns.length > 0 ? "_c" : ""}_idx`;
    indexes.push({ table: table.name, name: uniqueName(derivedName(table.name, suffix), relationNames), columns, codePointColumns });
  }
  return indexes;
}
