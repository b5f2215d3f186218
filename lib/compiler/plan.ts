import { columnOf, OPERATIONS, quoteIdent, type Model, type ModelTable, type Operation } from "../design";
import type { TargetDialect } from "../targets";
import type { ModelAccessRule } from "../design";
import { and, conditionsSql, expressionsFor, firewallSql, or, ordersText, rolesSql, sharedSql } from "./expressions";
import { derivedName, uniqueName } from "./names";
import { dialectKey, sameIndexes, sameList, type CompileCache, type WantedIndex } from "./cache";

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

/** A unique key a same-organization foreign key needs on its parent: (organization, primary key). */
export interface UniqueKeyPlan {
  readonly table: string;
  readonly name: string;
  readonly columns: readonly string[];
}

export interface TablePlan {
  readonly table: ModelTable;
  readonly uniqueKeys: readonly UniqueKeyPlan[];
  readonly policies: readonly PolicyPlan[];
  readonly indexes: readonly IndexPlan[];
  /** Privileges the anonymous role is granted (the signed-in role gets all four). */
  readonly anonymousGrants: readonly Operation[];
}

/** With a cache (see CompileCache), a table whose plan is unchanged gets the same plan object back. */
export function planTables(model: Model, dialect: TargetDialect, cache?: CompileCache): TablePlan[] {
  const relationNames = new Set(model.tables.map((t) => t.name));
  const uniqueKeys = planUniqueKeys(model, relationNames);
  const sharingLookups = new Map<string, string[][]>();
  for (const t of model.tables) {
    for (const rule of Object.values(t.access).flat()) {
      if (!rule?.sharedVia) continue;
      const { table: sharing, user, row } = rule.sharedVia;
      const list = sharingLookups.get(sharing) ?? [];
      if (!list.some((c) => c[0] === user && c[1] === row)) list.push([user, row]);
      sharingLookups.set(sharing, list);
    }
  }
  if (!cache) {
    return model.tables.map((table) => ({
      table,
      uniqueKeys: uniqueKeys.get(table.name) ?? [],
      policies: planPolicies(table, dialect),
      indexes: planIndexes(table, relationNames, uniqueKeys.get(table.name) ?? [], sharingLookups.get(table.name) ?? []),
      anonymousGrants: anonymousGrantsOf(table),
    }));
  }
  const dialectText = dialectKey(dialect, cache);
  return model.tables.map((table) => {
    const keys = uniqueKeys.get(table.name) ?? [];
    let policies = cache.policies.get(table);
    if (!policies || policies.dialect !== dialectText) cache.policies.set(table, (policies = { dialect: dialectText, policies: planPolicies(table, dialect) }));
    // The indexes it wants depend on the table, its unique keys and the lookups of a sharing table; their names, on every name before them.
    const lookups = sharingLookups.get(table.name) ?? [];
    const indexKey = JSON.stringify([keys.map((k) => k.columns), lookups]);
    let wanted = cache.indexes.get(table);
    if (!wanted || wanted.key !== indexKey) cache.indexes.set(table, (wanted = { key: indexKey, wanted: wantedIndexes(table, keys, lookups) }));
    const indexes = wanted.wanted.map((w) => ({ table: table.name, name: uniqueName(w.name, relationNames), columns: w.columns, codePointColumns: w.codePointColumns }));
    const last = cache.plans.get(table);
    if (
      last &&
      last.policies === policies.policies &&
      last.uniqueKeys.length === keys.length &&
      last.uniqueKeys.every((k, i) => k.table === keys[i].table && k.name === keys[i].name && sameList(k.columns, keys[i].columns)) &&
      sameIndexes(last.indexes, indexes)
    ) {
      return last;
    }
    const plan: TablePlan = { table, uniqueKeys: keys, policies: policies.policies, indexes, anonymousGrants: anonymousGrantsOf(table) };
    cache.plans.set(table, plan);
    return plan;
  });
}

function anonymousGrantsOf(table: ModelTable): Operation[] {
  return OPERATIONS.filter((op) => (op === "select" || op === "insert") && table.anonymous[op] !== null);
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
  const selectRoles = selectRolesInFirewall(table);
  if (firewall && selectRoles) {
    // The select rule's roles move into the select firewall: its organization becomes the bypass
    // organization of those roles, one helper in the index condition instead of a role check that
    // gates the whole scan (bench:rls, member's owner path). Each other operation keeps the firewall as it is.
    policies.push(policy("firewall_select", { restrictive: true, command: "select", role: "signedIn", using: firewallSql(table, table.firewall, exprs, selectRoles), withCheck: null }));
    policies.push(policy("firewall_insert", { restrictive: true, command: "insert", role: "signedIn", using: null, withCheck: firewall }));
    policies.push(policy("firewall_update", { restrictive: true, command: "update", role: "signedIn", using: firewall, withCheck: firewall }));
    policies.push(policy("firewall_delete", { restrictive: true, command: "delete", role: "signedIn", using: firewall, withCheck: null }));
  } else if (firewall) {
    // RESTRICTIVE: it must AND with the access policies below; permissive policies would OR.
    policies.push(policy("firewall", { restrictive: true, command: "all", role: "signedIn", using: firewall, withCheck: firewall }));
  }

  for (const op of OPERATIONS) {
    const rules = table.access[op] ?? [];
    // No rule (or an empty list): no permissive policy, so PostgreSQL denies the operation.
    if (rules.length === 0) continue;
    let using: string | null;
    let withCheck: string | null;
    if (rules.length === 1) {
      const [rule] = rules;
      const roles = op === "select" && selectRoles ? null : rolesSql(rule.roles, exprs);
      const where = conditionsSql(table, rule.where, exprs);
      const check = conditionsSql(table, rule.check, exprs);
      using = op === "insert" ? null : (and(roles, where, sharedSql(table, rule.sharedVia)) ?? "true");
      // Without an explicit WITH CHECK, PostgreSQL would test USING (the old row's where) on the new row.
      withCheck = op === "insert" ? (and(roles, check) ?? "true") : op === "update" ? (check ?? "true") : null;
    } else {
      // One policy whose USING and WITH CHECK OR the rules: PostgreSQL ORs several permissive policies into
      // one expression anyway, so more policies would plan the same and only be more to read. A rule's
      // roles go into WITH CHECK too, or another role's check could admit the new row.
      // With a shared-rows rule beside it, a rule's roles read as "the organization column is the bypass
      // organization of those roles": the same rows under the organization firewall, but an index
      // condition, so PostgreSQL scans the key index for the shared rows and the organization index
      // for the role in one BitmapOr, instead of the tenant's rows filtered (bench:rls, sharing).
      const organization = table.firewall.kind === "isolated" && table.firewall.organization ? columnOf(table, table.firewall.organization) : null;
      const indexedRoles = organization && rules.some((r) => r.sharedVia) ? organization : null;
      const rolesOf = (roles: readonly string[] | null) =>
        indexedRoles && roles ? `${quoteIdent(indexedRoles.name)} = ${exprs.bypassOrgId(indexedRoles.type, roles)}` : rolesSql(roles, exprs);
      const usingOf = (rule: ModelAccessRule) => and(rolesOf(rule.roles), conditionsSql(table, rule.where, exprs), sharedSql(table, rule.sharedVia));
      const checkOf = (rule: ModelAccessRule) => and(rolesSql(rule.roles, exprs), conditionsSql(table, rule.check, exprs));
      using = op === "insert" ? null : (or(rules.map(usingOf)) ?? "true");
      withCheck = op === "insert" || op === "update" ? (or(rules.map(checkOf)) ?? "true") : null;
    }
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
 * The roles of a table's one select rule, when the select firewall can require them itself: the
 * table is isolated by an organization column and the rule names roles. Otherwise null: the
 * select policy checks them (with several rules, each rule's roles belong to that rule alone).
 */
function selectRolesInFirewall(table: ModelTable): readonly string[] | null {
  const rules = table.access.select ?? [];
  if (table.firewall.kind !== "isolated" || !table.firewall.organization || rules.length !== 1) return null;
  const [rule] = rules;
  return rule.roles;
}

/** Per parent table, the (organization, key) unique keys its same-organization references need. */
function planUniqueKeys(model: Model, relationNames: Set<string>): Map<string, UniqueKeyPlan[]> {
  const keys = new Map<string, UniqueKeyPlan[]>();
  for (const child of model.tables) {
    for (const column of child.columns) {
      const ref = column.references;
      if (!ref?.sameOrganization) continue;
      const columns = [ref.sameOrganization.parentColumn, ref.column];
      const existing = keys.get(ref.table) ?? [];
      if (existing.some((k) => JSON.stringify(k.columns) === JSON.stringify(columns))) continue;
      const name = uniqueName(derivedName(ref.table, `${columns.join("_")}_key`), relationNames);
      keys.set(ref.table, [...existing, { table: ref.table, name, columns }]);
    }
  }
  return keys;
}

/**
 * Every column a policy compares on existing rows gets an index, led by the organization column;
 * so does every same-organization reference, which a parent's delete or key change looks up.
 * A text column that a condition orders is indexed `COLLATE "C"`, the collation of that
 * comparison: an index of another collation cannot serve it.
 */
function planIndexes(table: ModelTable, relationNames: Set<string>, uniqueKeys: readonly UniqueKeyPlan[], sharingLookups: readonly (readonly string[])[] = []): IndexPlan[] {
  return wantedIndexes(table, uniqueKeys, sharingLookups).map((w) => ({ table: table.name, name: uniqueName(w.name, relationNames), columns: w.columns, codePointColumns: w.codePointColumns }));
}

/** The indexes of planIndexes, each with the name it wants (`<table>_<columns>_idx`), in order. */
function wantedIndexes(table: ModelTable, uniqueKeys: readonly UniqueKeyPlan[], sharingLookups: readonly (readonly string[])[]): WantedIndex[] {
  type Wanted = { columns: string[]; codePoint: string | null };
  const wanted: Wanted[] = [];
  const firewall = table.firewall;
  const org = firewall.kind === "isolated" ? firewall.organization : null;
  if (firewall.kind === "isolated") {
    const lead = [firewall.organization, firewall.owner?.column].filter((c): c is string => c !== null && c !== undefined);
    if (lead.length > 0) wanted.push({ columns: lead, codePoint: null });
  }
  if (firewall.kind === "parent") wanted.push({ columns: [firewall.column], codePoint: null });
  // A sharing table is looked up by user, and yields row keys: (user, row) serves it alone.
  for (const columns of sharingLookups) wanted.push({ columns: [...columns], codePoint: null });
  const filters = [
    ...OPERATIONS.flatMap((op) => (op === "insert" ? [] : (table.access[op] ?? []).flatMap((rule) => rule.where))),
    ...(table.anonymous.select?.where ?? []),
  ];
  for (const condition of filters) {
    if (condition.op === "isNull" || condition.op === "isNotNull" || condition.op === "neq" || condition.op === "notIn") continue;
    const codePoint = ordersText(table, condition) ? condition.column : null;
    wanted.push({ columns: org && org !== condition.column ? [org, condition.column] : [condition.column], codePoint });
  }
  for (const column of table.columns) {
    const same = column.references?.sameOrganization;
    if (same) wanted.push({ columns: [same.column, column.name], codePoint: null });
  }
  /** Each indexed column with its collation, so that only an index of the same collations counts as serving. */
  const specOf = (columns: readonly string[], codePoint: readonly string[]) => columns.map((c) => JSON.stringify([c, codePoint.includes(c)]));
  const indexes: WantedIndex[] = [];
  // The unique keys' own indexes serve whatever they lead with.
  const served: string[][] = uniqueKeys.map((k) => specOf(k.columns, []));
  const seen = new Set<string>();
  // Longer first (a stable sort keeps the design's order otherwise), so an index led by a shorter list serves it.
  for (const { columns, codePoint } of [...wanted].sort((a, b) => b.columns.length - a.columns.length)) {
    const codePointColumns = codePoint ? [codePoint] : [];
    const spec = specOf(columns, codePointColumns);
    const key = JSON.stringify(spec);
    // An index already led by these columns (in the same collations) serves them; so does the primary key for itself.
    const covered =
      served.some((lead) => spec.every((c, k) => lead[k] === c)) ||
      (codePointColumns.length === 0 && JSON.stringify(table.primaryKey.slice(0, columns.length)) === JSON.stringify(columns));
    if (seen.has(key) || covered) continue;
    seen.add(key);
    const suffix = `${columns.join("_")}${codePointColumns.length > 0 ? "_c" : ""}_idx`;
    indexes.push({ name: derivedName(table.name, suffix), columns, codePointColumns });
    served.push(spec);
  }
  return indexes;
}
