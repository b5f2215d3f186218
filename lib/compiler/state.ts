import type { Model } from "../design";
import type { TargetDialect } from "../targets";
import { helperStatements } from "./helpers-sql";
import type { DrizzleSnapshot } from "./drizzle-snapshot";
import type { TablePlan } from "./plan";
import { columnSql, createTableSql, defaultSql, forcesRowLevelSecurity, foreignKeySql, indexSql, policySql, tableGrants, uniqueKeySql } from "./sql";
import { dialectKey, planPart, type CompileCache } from "./cache";

/**
 * What the database holds once a version of the design is applied, object by object, each with
 * the SQL that creates it. The bundle records it (rls-designer.json), so that the next version is
 * compiled as the difference from what was really emitted, including what an older compiler wrote.
 */
export interface DatabaseState {
  readonly target: Model["target"];
  readonly layout: TargetDialect["layout"];
  /** Idempotent setup (roles, schemas, auth functions): run again whenever it changes. */
  readonly setup: readonly string[];
  readonly tables: readonly TableState[];
  readonly uniqueKeys: readonly ConstraintState[];
  readonly foreignKeys: readonly ConstraintState[];
  readonly helpers: readonly { readonly signature: string; readonly statements: readonly string[]; readonly drop?: readonly string[] }[];
  readonly policies: readonly ConstraintState[];
  readonly indexes: readonly ConstraintState[];
  /** drizzle-kit's snapshot of schema.ts at this state (drizzle layout), for the next version's snapshot file. */
  readonly drizzleSnapshot?: DrizzleSnapshot;
}

export interface TableState {
  /** The stable id (the design's id, or the name); absent in records written before ids existed. */
  readonly key?: string;
  readonly name: string;
  readonly create: string;
  readonly columns: readonly ColumnState[];
  readonly primaryKey: readonly string[];
  readonly forced: boolean;
  readonly grants: readonly { readonly role: string; readonly privileges: readonly string[] }[];
  /** Spec §5: the table existed before the design (adopted): never created, nor its keys. */
  readonly existing?: boolean;
}

export interface ColumnState {
  readonly key?: string;
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  /** The DEFAULT expression as SQL, or null. */
  readonly default: string | null;
  /** The definition, as ALTER TABLE ... ADD COLUMN takes it. */
  readonly definition: string;
}

/** A named object of one table: a unique key, a foreign key, a policy or an index. */
export interface ConstraintState {
  readonly table: string;
  readonly name: string;
  readonly sql: string;
}

/** What one table contributes to the state: written once per plan and dialect with a cache. */
interface TableStateParts {
  readonly table: TableState;
  readonly uniqueKeys: readonly ConstraintState[];
  readonly foreignKeys: readonly ConstraintState[];
  readonly policies: readonly ConstraintState[];
  readonly indexes: readonly ConstraintState[];
}

function tableStateParts(plan: TablePlan, dialect: TargetDialect, forced: boolean): TableStateParts {
  return {
    table: {
      key: plan.table.key,
      name: plan.table.name,
      create: createTableSql(plan.table, dialect),
      columns: plan.table.columns.map((c) => ({
        key: c.key,
        name: c.name,
        type: c.type,
        notNull: c.notNull,
        default: c.default ? defaultSql(c.default, c.type, dialect) : null,
        definition: columnSql(c, dialect),
      })),
      primaryKey: plan.table.primaryKey,
      forced,
      grants: tableGrants(plan, dialect),
      ...(plan.table.existing ? { existing: true } : {}),
    },
    uniqueKeys: plan.uniqueKeys.map((k) => ({ table: k.table, name: k.name, sql: uniqueKeySql(k) })),
    foreignKeys: plan.table.columns.flatMap((c) => (c.references ? [{ table: plan.table.name, ...foreignKeySql(plan.table, c, c.references) }] : [])),
    policies: plan.policies.map((policy) => ({ table: plan.table.name, name: policy.name, sql: policySql(policy, dialect) })),
    indexes: plan.indexes.map((i) => ({ table: i.table, name: i.name, sql: indexSql(i, plan.table.existing === true) })),
  };
}

export function databaseState(model: Model, plans: readonly TablePlan[], dialect: TargetDialect, snapshot: DrizzleSnapshot, cache?: CompileCache): DatabaseState {
  const key = cache ? dialectKey(dialect, cache) : "";
  const parts = plans.map((plan) => {
    const forced = forcesRowLevelSecurity(model, plan.table);
    return planPart(cache, plan, "state", `${key}\u0000${forced}`, () => tableStateParts(plan, dialect, forced));
  });
  return {
    target: model.target,
    layout: dialect.layout,
    setup: dialect.setupStatements(),
    tables: parts.map((p) => p.table),
    uniqueKeys: parts.flatMap((p) => p.uniqueKeys),
    foreignKeys: parts.flatMap((p) => p.foreignKeys),
    helpers: helperStatements(model, dialect, cache),
    policies: parts.flatMap((p) => p.policies),
    indexes: parts.flatMap((p) => p.indexes),
    ...(dialect.layout === "drizzle" ? { drizzleSnapshot: snapshot } : {}),
  };
}
