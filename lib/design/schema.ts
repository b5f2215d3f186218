import { z } from "zod";
import { BASE_COLUMN_TYPES, COLUMN_TYPES, CONDITION_OPS, NEON_TOKEN_PATHS, ON_DELETE_ACTIONS, OPERATIONS, PROVIDERS, TARGETS } from "./vocabulary";

export { BASE_COLUMN_TYPES, COLUMN_TYPES, CONDITION_OPS, NEON_TOKEN_PATHS, ON_DELETE_ACTIONS, OPERATIONS, PROVIDERS, TARGETS };
export type { BaseColumnType, ColumnType, ConditionOp, NeonTokenPath, Operation, Provider, Target } from "./vocabulary";

/**
 * The design file (`"version": 1`), as described in shared/spec/policy-model.md §1.
 * This schema checks shape only; `validateDesign` adds the checks that need the whole file
 * (names exist, roles declared, types fit).
 */

const literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const conditionSchema = z.object({
  column: z.string(),
  op: z.enum(CONDITION_OPS),
  value: z.union([literal, z.array(literal)]).optional(),
});

/** A stable id: what stays the same when a table or column is renamed (absent: the name is the id). */
const stableId = z.string().optional();

const columnSchema = z.object({
  id: stableId,
  name: z.string(),
  type: z.string(),
  primaryKey: z.boolean().optional(),
  notNull: z.boolean().optional(),
  default: z.string().optional(),
  references: z
    .object({
      table: z.string(),
      column: z.string(),
      onDelete: z.enum(ON_DELETE_ACTIONS).optional(),
      crossOrganization: z.boolean().optional(),
    })
    .strict()
    .optional(),
}).strict();

const firewallSchema = z
  .object({
    organization: z.object({ column: z.string() }).strict().optional(),
    owner: z
      .object({
        column: z.string(),
        mode: z.enum(["required", "optional"]).optional(),
        bypassRoles: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    public: z.literal(true).optional(),
    /** Spec §4: tenancy through a foreign key; the row belongs wherever its parent row belongs. */
    parent: z.object({ column: z.string() }).strict().optional(),
  })
  .strict();

const conditions = z.array(conditionSchema).optional();

export const sharedViaSchema = z
  .object({ table: z.string(), row: z.string(), user: z.string() })
  .strict();

const accessRuleSchema = z
  .object({
    roles: z.array(z.string()).optional(),
    where: conditions,
    check: conditions,
    /** Spec §4: rows shared with the signed-in user through a sharing table of (row key, user) pairs. */
    sharedVia: sharedViaSchema.optional(),
    /** Spec §4, update rules only: the columns the rule lets change. */
    columns: z.array(z.string()).optional(),
  })
  .strict();

/** Spec §4: one rule, or a list of rules of which any may admit (an empty list allows nothing). */
const accessRulesSchema = z.union([accessRuleSchema, z.array(accessRuleSchema)]);

const anonymousSchema = z
  .object({
    select: z.object({ where: conditions }).strict().optional(),
    insert: z.object({ check: conditions }).strict().optional(),
  })
  .strict();

export const tableSchema = z
  .object({
    id: stableId,
    name: z.string(),
    columns: z.array(columnSchema),
    firewall: firewallSchema.optional(),
    access: z
      .object({
        select: accessRulesSchema.optional(),
        insert: accessRulesSchema.optional(),
        update: accessRulesSchema.optional(),
        delete: accessRulesSchema.optional(),
      })
      .strict()
      .optional(),
    anonymous: anonymousSchema.optional(),
    /** Where the designer's canvas draws the table. Layout only: the compiler never reads it. */
    position: z.object({ x: z.number().finite(), y: z.number().finite() }).strict().optional(),
    /**
     * Spec §5, adopting: the table already exists in the database (an import says so). The bundle
     * does not create it, its columns and keys stay as they are unless a later version changes
     * them; it gets row-level security, the policies, helpers and indexes.
     */
    existing: z.boolean().optional(),
  })
  .strict();

const tenancySchema = z.discriminatedUnion("source", [
  z
    .object({
      source: z.literal("claims"),
      // A claim's name, or a path into nested claims (["o", "id"] for Clerk's and Neon Auth's `o` object).
      orgClaim: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
      roleClaim: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    })
    .strict(),
  z
    .object({
      source: z.literal("tables"),
      membership: z
        .object({ table: z.string(), user: z.string(), org: z.string(), role: z.string() })
        .strict()
        .optional(),
      activeOrg: z
        .object({ table: z.string(), user: z.string(), org: z.string() })
        .strict()
        .optional(),
    })
    .strict(),
]);

/** Every field of a design but its tables. */
const designFields = {
  $schema: z.string().optional(),
  version: z.literal(1),
  name: z.string(),
  target: z.enum(TARGETS),
  auth: z
    .object({
      provider: z.enum(PROVIDERS),
      jwksUrl: z.string().optional(),
      tenancy: tenancySchema.optional(),
    })
    .strict(),
  roles: z.array(z.string()).optional(),
  /** Neon only: how the user's token reaches PostgreSQL. */
  neon: z.object({ tokenVia: z.enum(NEON_TOKEN_PATHS).optional() }).strict().optional(),
  /** Plain PostgreSQL only: the database roles for signed-in and signed-out requests. */
  postgres: z.object({ signedInRole: z.string().optional(), anonymousRole: z.string().optional() }).strict().optional(),
  /** FORCE ROW LEVEL SECURITY on every table, so the tables' owner obeys the policies too. */
  forceRowLevelSecurity: z.boolean().optional(),
};

export const designSchema = z
  .object({
    ...designFields,
    tables: z.array(tableSchema),
  })
  .strict();

/**
 * The design with its tables left unchecked: validateDesign's cache checks the tables one by one
 * (tableSchema), each only when it changed, and the rest of the file with this.
 */
export const designShellSchema = z
  .object({
    ...designFields,
    tables: z.array(z.unknown()),
  })
  .strict();

export type Design = z.infer<typeof designSchema>;
export type Table = Design["tables"][number];
export type Column = Table["columns"][number];
export type Firewall = NonNullable<Table["firewall"]>;
export type Access = NonNullable<Table["access"]>;
export type AccessRule = z.infer<typeof accessRuleSchema>;
/** What `access.<op>` holds: one rule, or a list of rules. */
export type AccessRules = NonNullable<Access["select"]>;
export type SharedVia = z.infer<typeof sharedViaSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Tenancy = NonNullable<Design["auth"]["tenancy"]>;
export type ConditionValue = Condition["value"];
