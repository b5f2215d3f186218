import type { AccessRule, AccessRules, Condition, Design, Operation, SharedVia, Table } from "@/lib/design";
import { removeAt, replaceAt } from "./names";
import { updateTable } from "./tables";

/**
 * Immutable edits of a table's access rules, their conditions, and signed-out access.
 *
 * An operation holds one rule or a list of rules (spec §4): it is allowed when any rule admits.
 * The edits read every operation as a list (`rulesOf`) and write it back in the shortest form:
 * no rule removes the operation (denied), one rule is written as an object, several as a list.
 */

/** Who a tick in the access matrix stands for: one declared role, or everyone signed in who passes the firewall. */
export type Grantee = { readonly kind: "role"; readonly role: string } | { readonly kind: "anyone" };

/** An operation's rules, as a list whatever the design file's form. */
export function rulesOf(table: Pick<Table, "access">, op: Operation): readonly AccessRule[] {
  const given = table.access?.[op];
  return given === undefined ? [] : Array.isArray(given) ? given : [given];
}

/** The first rule of an operation (or its only one). */
export function ruleAt(table: Pick<Table, "access">, op: Operation, index = 0): AccessRule | undefined {
  return rulesOf(table, op)[index];
}

/** How many rules an operation has (a list may hold several). */
export function ruleCount(table: Pick<Table, "access">, op: Operation): number {
  return rulesOf(table, op).length;
}

/** Where the validator reports a rule's problems: `access.update` for a lone rule, `access.update[1]` inside a list. */
export function rulePath(tableIndex: number, table: Pick<Table, "access">, op: Operation, index: number): string {
  return Array.isArray(table.access?.[op]) ? `tables[${tableIndex}].access.${op}[${index}]` : `tables[${tableIndex}].access.${op}`;
}

/** Whether a rule lets `grantee` in by its roles (its conditions aside): no roles means everyone signed in. */
export function ruleAdmits(rule: AccessRule, grantee: Grantee): boolean {
  if (rule.roles === undefined) return true;
  return grantee.kind === "role" && rule.roles.includes(grantee.role);
}

/** The matrix's cell: ticked when some rule of the operation admits the grantee ("anyone": some rule lists no roles). */
export function matrixCell(table: Pick<Table, "access">, op: Operation, grantee: Grantee): boolean {
  return rulesOf(table, op).some((rule) => (grantee.kind === "anyone" ? rule.roles === undefined : ruleAdmits(rule, grantee)));
}

function withRules(table: Table, op: Operation, rules: readonly AccessRule[]): Table {
  const access = { ...table.access };
  if (rules.length === 0) delete access[op];
  else access[op] = (rules.length === 1 ? rules[0] : [...rules]) as AccessRules;
  const next: Table = { ...table, access };
  if (Object.keys(access).length === 0) delete next.access;
  return next;
}

function updateRule(table: Table, op: Operation, index: number, update: (rule: AccessRule) => AccessRule): Table {
  const rules = rulesOf(table, op);
  const rule = rules[index];
  if (!rule) return table;
  return withRules(table, op, replaceAt(rules, index, update(rule)));
}

/**
 * A tick in the matrix. Ticking a role adds it to the first rule (with that rule's conditions),
 * or makes a rule for it when there is none; unticking takes it out of every rule that lists it,
 * and drops a rule left with no role. "anyone" on drops the first rule's roles; off removes
 * every rule that lists no roles (each of them let everyone in).
 */
export function setAccess(design: Design, tableIndex: number, op: Operation, grantee: Grantee, allowed: boolean): Design {
  const declared = design.roles ?? [];
  return updateTable(design, tableIndex, (table) => {
    const rules = rulesOf(table, op);
    if (grantee.kind === "anyone") {
      if (!allowed) return withRules(table, op, rules.filter((rule) => rule.roles !== undefined));
      if (rules.some((rule) => rule.roles === undefined)) return table;
      if (rules.length === 0) return withRules(table, op, [{}]);
      const { roles: _roles, ...first } = rules[0]!;
      void _roles;
      return withRules(table, op, replaceAt(rules, 0, first));
    }
    const { role } = grantee;
    if (allowed) {
      if (rules.some((rule) => ruleAdmits(rule, grantee))) return table;
      if (rules.length === 0) return withRules(table, op, [{ roles: [role] }]);
      const first = rules[0]!;
      return withRules(table, op, replaceAt(rules, 0, { ...first, roles: inDeclaredOrder([...(first.roles ?? []), role], declared) }));
    }
    const next = rules.flatMap((rule) => {
      if (rule.roles === undefined || !rule.roles.includes(role)) return [rule];
      const roles = rule.roles.filter((r) => r !== role);
      return roles.length > 0 ? [{ ...rule, roles }] : [];
    });
    return withRules(table, op, next);
  });
}

/** Declared roles in their declared order, then any undeclared ones as they were. */
function inDeclaredOrder(roles: readonly string[], declared: readonly string[]): string[] {
  return [...declared.filter((r) => roles.includes(r)), ...roles.filter((r) => !declared.includes(r))];
}

/**
 * A new rule admits one role (the first declared role no rule admits yet), so adding a rule never
 * lets everyone in behind the user's back; without tenancy there are no roles, and the new rule
 * admits every signed-in user, for the user to narrow with conditions.
 */
export function addRule(design: Design, tableIndex: number, op: Operation): Design {
  const declared = design.auth.tenancy !== undefined ? (design.roles ?? []) : [];
  return updateTable(design, tableIndex, (table) => {
    const rules = rulesOf(table, op);
    const role = declared.find((r) => !rules.some((rule) => ruleAdmits(rule, { kind: "role", role: r }))) ?? declared[0];
    return withRules(table, op, [...rules, role !== undefined ? { roles: [role] } : {}]);
  });
}

export function removeRule(design: Design, tableIndex: number, op: Operation, index: number): Design {
  return updateTable(design, tableIndex, (table) => {
    const rules = rulesOf(table, op);
    return index < rules.length ? withRules(table, op, removeAt(rules, index)) : table;
  });
}

/**
 * One rule's roles. Unlike the matrix, taking the last role out keeps the rule (with an empty
 * list the validator asks for a role beside the boxes), so the rule's conditions are not lost.
 */
export function setRuleRole(design: Design, tableIndex: number, op: Operation, index: number, grantee: Grantee, on: boolean): Design {
  const declared = design.roles ?? [];
  return updateTable(design, tableIndex, (table) =>
    updateRule(table, op, index, (rule) => {
      if (grantee.kind === "anyone") {
        if (on) {
          const { roles: _roles, ...rest } = rule;
          void _roles;
          return rest;
        }
        return rule.roles === undefined ? { ...rule, roles: [] } : rule;
      }
      const current = rule.roles ?? declared;
      const roles = on ? inDeclaredOrder(current.includes(grantee.role) ? current : [...current, grantee.role], declared) : current.filter((r) => r !== grantee.role);
      return { ...rule, roles };
    }),
  );
}

/**
 * The columns an update rule lets change: `undefined` lets any column change. Turning the list
 * on starts from every column outside the primary key, so the first tick changes nothing yet and
 * each box unticked takes one column away.
 */
export function setRuleColumns(design: Design, tableIndex: number, index: number, columns: readonly string[] | undefined): Design {
  return updateTable(design, tableIndex, (table) =>
    updateRule(table, "update", index, (rule) => {
      const next: AccessRule = { ...rule };
      if (columns === undefined) delete next.columns;
      else {
        const order = table.columns.map((c) => c.name);
        next.columns = [...new Set(columns)].sort((a, b) => rank(order, a) - rank(order, b));
      }
      return next;
    }),
  );
}

const rank = (order: readonly string[], name: string) => {
  const at = order.indexOf(name);
  return at < 0 ? order.length : at;
};

/** The columns a fresh "only these columns" list starts with: every column outside the primary key. */
export function changeableColumns(table: Pick<Table, "columns">): string[] {
  return table.columns.filter((c) => !c.primaryKey).map((c) => c.name);
}

export function setRuleColumn(design: Design, tableIndex: number, index: number, column: string, on: boolean): Design {
  const table = design.tables[tableIndex];
  const rule = table && ruleAt(table, "update", index);
  if (!rule) return design;
  const current = rule.columns ?? changeableColumns(table);
  return setRuleColumns(design, tableIndex, index, on ? [...current, column] : current.filter((c) => c !== column));
}

/** Rows shared with the user through a sharing table (spec §4): select, update and delete only. */
export function setRuleSharedVia(design: Design, tableIndex: number, op: Operation, index: number, sharedVia: SharedVia | undefined): Design {
  return updateTable(design, tableIndex, (table) =>
    updateRule(table, op, index, (rule) => {
      const next: AccessRule = { ...rule };
      if (sharedVia) next.sharedVia = { table: sharedVia.table, row: sharedVia.row, user: sharedVia.user };
      else delete next.sharedVia;
      return next;
    }),
  );
}

/**
 * The tables that can hold the shares of `tableName`'s rows: those with a column referencing its
 * primary key. Each comes with the column holding the row key and a guess at the user column.
 */
export function sharingCandidates(design: Pick<Design, "tables">, tableName: string): { table: string; row: string; user: string }[] {
  const shared = design.tables.find((t) => t.name === tableName);
  const key = shared?.columns.filter((c) => c.primaryKey) ?? [];
  if (key.length !== 1) return [];
  return design.tables.flatMap((t) => {
    if (t.name === tableName) return [];
    const row = t.columns.find((c) => c.references?.table === tableName && c.references.column === key[0]!.name);
    if (!row) return [];
    const ids = t.columns.filter((c) => c.name !== row.name && /^(text|varchar|uuid)$/.test(c.type.trim().toLowerCase()));
    const user = ids.find((c) => c.name === "user_id") ?? ids.find((c) => /user/.test(c.name)) ?? ids[0];
    return user ? [{ table: t.name, row: row.name, user: user.name }] : [];
  });
}

/** Where a list of conditions lives inside a table. */
export type ConditionListRef =
  /** `rule`: which rule of the operation (0 when left out: the only one, or the first of a list). */
  | { readonly scope: "access"; readonly op: Operation; readonly list: "where" | "check"; readonly rule?: number }
  | { readonly scope: "anonymous"; readonly op: "select"; readonly list: "where" }
  | { readonly scope: "anonymous"; readonly op: "insert"; readonly list: "check" };

export function conditionsAt(table: Pick<Table, "access" | "anonymous">, ref: ConditionListRef): readonly Condition[] {
  if (ref.scope === "access") return ruleAt(table, ref.op, ref.rule ?? 0)?.[ref.list] ?? [];
  if (ref.op === "select") return table.anonymous?.select?.where ?? [];
  return table.anonymous?.insert?.check ?? [];
}

/**
 * With `table`: the path the validator reports the list's problems under (a rule inside a list
 * has its index in the path: `access.update[1].where`, a lone rule `access.update.where`).
 * Without: a key naming the list, the rule's index included, for merging keystrokes.
 */
export function conditionListPath(tableIndex: number, ref: ConditionListRef, table?: Pick<Table, "access">): string {
  if (ref.scope === "access") {
    if (table) return `${rulePath(tableIndex, table, ref.op, ref.rule ?? 0)}.${ref.list}`;
    if (ref.rule) return `tables[${tableIndex}].access.${ref.op}[${ref.rule}].${ref.list}`;
  }
  return `tables[${tableIndex}].${ref.scope}.${ref.op}.${ref.list}`;
}

function withConditions(table: Table, ref: ConditionListRef, list: Condition[]): Table {
  const value = list.length > 0 ? list : undefined;
  if (ref.scope === "access") {
    return updateRule(table, ref.op, ref.rule ?? 0, (rule) => {
      const next: AccessRule = { ...rule };
      if (value) next[ref.list] = value;
      else delete next[ref.list];
      return next;
    });
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
