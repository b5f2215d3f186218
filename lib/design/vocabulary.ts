/**
 * The words of the design file: targets, providers, operations, condition operators, column
 * types. Apart from the schema (schema.ts, zod), so that the designer's forms can list them
 * without loading the validator with the page.
 */

export const TARGETS = ["neon", "supabase", "postgres"] as const;
export const PROVIDERS = [
  "clerk",
  "auth0",
  "workos",
  "better-auth",
  "stack-auth",
  "neon-auth",
  "supabase",
  "custom",
] as const;
/** The Neon Data API (recommended; it installs pg_session_jwt) or the serverless driver's `authToken`. */
export const NEON_TOKEN_PATHS = ["data-api", "serverless-driver"] as const;
export type NeonTokenPath = (typeof NEON_TOKEN_PATHS)[number];
export const OPERATIONS = ["select", "insert", "update", "delete"] as const;
export const CONDITION_OPS = [
  "eq",
  "neq",
  "in",
  "notIn",
  "lt",
  "lte",
  "gt",
  "gte",
  "isNull",
  "isNotNull",
] as const;
export const ON_DELETE_ACTIONS = ["cascade", "restrict", "set null", "no action"] as const;

/** Column types the designer offers; each may also be used as an array (`text[]`). */
export const BASE_COLUMN_TYPES = [
  "text",
  "varchar",
  "uuid",
  "integer",
  "bigint",
  "smallint",
  "boolean",
  "numeric",
  "real",
  "double precision",
  "timestamptz",
  "timestamp",
  "date",
  "jsonb",
  "json",
] as const;

export type BaseColumnType = (typeof BASE_COLUMN_TYPES)[number];
export type ColumnType = BaseColumnType | `${BaseColumnType}[]`;
export const COLUMN_TYPES: readonly ColumnType[] = [
  ...BASE_COLUMN_TYPES,
  ...BASE_COLUMN_TYPES.map((t) => `${t}[]` as const),
];

export type ConditionOp = (typeof CONDITION_OPS)[number];
export type Operation = (typeof OPERATIONS)[number];
export type Target = (typeof TARGETS)[number];
export type Provider = (typeof PROVIDERS)[number];
