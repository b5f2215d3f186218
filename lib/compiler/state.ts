import type { Model } from "../design";
import type { TargetDialect } from "../targets";
import { helperStatements } from "./helpers-sql";
import type { DrizzleSnapshot } from "./drizzle-snapshot";
import type { TablePlan } from "./plan";
import { columnSql, createTableSql, defaultSql, forcesRowLevelSecurity, foreignKeySql, indexSql, policySql, tableGrants, uniqueKeySql } from "./sql";

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

export function databaseState(model: Model, plans: readonly TablePlan[], dialect: TargetDialect, snapshot: DrizzleSnapshot): DatabaseState {
  return {
    target: model.target,
    layout: dialect.layout,
    setup: dialect.setupStatements(),
    tables: plans.map((plan) => ({
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
      forced: forcesRowLevelSecurity(model, plan.table),
      grants: tableGrants(plan, dialect),
      ...(plan.table.existing ? { existing: true } : {}),
    })),
    uniqueKeys: plans.flatMap((p) => p.uniqueKeys.map((k) => ({ table: k.table, name: k.name, sql: uniqueKeySql(k) }))),
    foreignKeys: plans.flatMap((p) =>
      p.table.columns.flatMap((c) => (c.references ? [{ table: p.table.name, ...foreignKeySql(p.table, c, c.references) }] : [])),
    ),
    helpers: helperStatements(model, dialect),
    policies: plans.flatMap((p) => p.policies.map((policy) => ({ table: p.table.name, name: policy.name, sql: policySql(policy, dialect) }))),
    indexes: plans.flatMap((p) => p.indexes.map((i) => ({ table: i.table, name: i.name, sql: indexSql(i, p.table.existing === true) }))),
    ...(dialect.layout === "drizzle" ? { drizzleSnapshot: snapshot } : {}),
  };
}
