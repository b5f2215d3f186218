import type { AccessRule, Condition, Design, Operation, Table } from "@/lib/design";
import { removeAt, replaceAt } from "./names";
import { updateTable } from "./tables";

/** Immutable edits of a table's access rules, their conditions, and signed-out access. */

/** Who a tick in the access matrix stands for: one declared role, or everyone signed in who passes the firewall. */
export type Grantee = { readonly kind: "role"; readonly role: string } | { readonly kind: "anyone" };

/**
 * The rule the matrix edits: the operation's rule, or the first of a list (spec §4). The others
 * of a list are kept as they are; the designer shows that they exist (see AccessEditor).
 */
export function ruleAt(table: Pick<Table, "access">, op: Operation): AccessRule | undefined {
  const given = table.access?.[op];
  return Array.isArray(given) ? given[0] : given;
}

/** How many rules an operation has (a list may hold several). */
export function ruleCount(table: Pick<Table, "access">, op: Operation): number {
  const given = table.access?.[op];
  return given === undefined ? 0 : Array.isArray(given) ? given.length : 1;
}

export function setAccess(design: Design, tableIndex: number, op: Operation, grantee: Grantee, allowed: boolean): Design {
  const declared = design.roles ?? [];
  return updateTable(design, tableIndex, (table) => {
    const rule = ruleAt(table, op);
    let next: AccessRule | undefined;
    if (grantee.kind === "anyone") {
      if (allowed) {
        next = { ...rule };
        delete next.roles;
      } else next = undefined;
    } else {
      const current = rule ? (rule.roles ?? declared) : [];
      const roles = allowed
        ? inDeclaredOrder(current.includes(grantee.role) ? current : [...current, grantee.role], declared)
        : current.filter((r) => r !== grantee.role);
      next = roles.length > 0 ? { ...rule, roles } : undefined;
    }
    return withRule(table, op, next);
  });
}

/** Declared roles in their declared order, then any undeclared ones as they were. */
function inDeclaredOrder(roles: readonly string[], declared: readonly string[]): string[] {
  return [...declared.filter((r) => roles.includes(r)), ...roles.filter((r) => !declared.includes(r))];
}

function withRule(table: Table, op: Operation, rule: AccessRule | undefined): Table {
  const access = { ...table.access };
  const given = access[op];
  if (Array.isArray(given) && given.length > 1) {
    // A list: only its first rule is the matrix's; the others stay.
    access[op] = rule ? [rule, ...given.slice(1)] : given.slice(1);
  } else if (rule) access[op] = rule;
  else delete access[op];
  const next: Table = { ...table, access };
  if (Object.keys(access).length === 0) delete next.access;
  return next;
}

/** Where a list of conditions lives inside a table. */
export type ConditionListRef =
  | { readonly scope: "access"; readonly op: Operation; readonly list: "where" | "check" }
  | { readonly scope: "anonymous"; readonly op: "select"; readonly list: "where" }
  | { readonly scope: "anonymous"; readonly op: "insert"; readonly list: "check" };

export function conditionsAt(table: Pick<Table, "access" | "anonymous">, ref: ConditionListRef): readonly Condition[] {
  if (ref.scope === "access") return ruleAt(table, ref.op)?.[ref.list] ?? [];
  if (ref.op === "select") return table.anonymous?.select?.where ?? [];
  return table.anonymous?.insert?.check ?? [];
}

export function conditionListPath(tableIndex: number, ref: ConditionListRef): string {
  return `tables[${tableIndex}].${ref.scope}.${ref.op}.${ref.list}`;
}

function withConditions(table: Table, ref: ConditionListRef, list: Condition[]): Table {
  const value = list.length > 0 ? list : undefined;
  if (ref.scope === "access") {
    const rule = ruleAt(table, ref.op);
    if (!rule) return table;
    const next: AccessRule = { ...rule };
    if (value) next[ref.list] = value;
    else delete next[ref.list];
    return withRule(table, ref.op, next);
  }
  const anonymous = { ...table.anonymous };
  if (ref.op === "select") {
    if (!anonymous.select) return table;
    anonymous.select = value ? { where: value } : {};
  } else {
    if (!anonymous.insert) return table;
    anonymous.insert = value ? { check: value } : {};
  }
  return { ...table, anonymous };
}

export function addCondition(design: Design, tableIndex: number, ref: ConditionListRef): Design {
  return updateTable(design, tableIndex, (table) => {
    const column = table.columns.find((c) => !c.primaryKey) ?? table.columns[0];
    const condition: Condition = { column: column?.name ?? "", op: "eq" };
    return withConditions(table, ref, [...conditionsAt(table, ref), condition]);
  });
}

export function setCondition(design: Design, tableIndex: number, ref: ConditionListRef, index: number, condition: Condition): Design {
  return updateTable(design, tableIndex, (table) => {
    const list = conditionsAt(table, ref);
    if (!list[index]) return table;
    const next: Condition = { column: condition.column, op: condition.op };
    if (condition.value !== undefined) next.value = condition.value;
    return withConditions(table, ref, replaceAt(list, index, next));
  });
}

export function removeCondition(design: Design, tableIndex: number, ref: ConditionListRef, index: number): Design {
  return updateTable(design, tableIndex, (table) => withConditions(table, ref, removeAt(conditionsAt(table, ref), index)));
}

/** Signed-out visitors: reading and inserting are each allowed or not; updating and deleting never are. */
export function setAnonymous(design: Design, tableIndex: number, op: "select" | "insert", allowed: boolean): Design {
  return updateTable(design, tableIndex, (table) => {
    const anonymous = { ...table.anonymous };
    if (allowed) {
      if (anonymous[op]) return table;
      anonymous[op] = {};
    } else {
      if (!anonymous[op]) return table;
      delete anonymous[op];
    }
    const next: Table = { ...table, anonymous };
    if (Object.keys(anonymous).length === 0) delete next.anonymous;
    return next;
  });
}
