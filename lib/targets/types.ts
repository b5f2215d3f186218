import type { ColumnType, Model } from "../design";

export interface DevFile {
  readonly path: string;
  readonly contents: string;
}

/** How `schema.ts` refers to the two database roles. */
export interface DrizzleRoles {
  /** Import lines, or declarations, that define the two names below. */
  readonly preamble: readonly string[];
  readonly signedIn: string;
  readonly anonymous: string;
}

/**
 * What differs between deployment targets (Neon, Supabase, plain PostgreSQL): the database
 * roles, how the signed-in user and the claims are read, the migration layout and the setup.
 * The compiler asks a target; it never names a vendor itself. A dialect is bound to one model.
 */
export interface TargetDialect {
  readonly name: Model["target"];
  /** Database role for requests with a valid token, and for requests without one. */
  readonly signedInRole: string;
  readonly anonymousRole: string;
  /** SQL for the signed-in user's id as a value of `type` (NULL when signed out). */
  userId(type: ColumnType): string;
  /** SQL returning the token's claims as jsonb (NULL or jsonb null when signed out). */
  readonly claims: string;
  /** drizzle-kit's folder (`drizzle/`, journal) or Supabase's (`supabase/migrations/<timestamp>_<name>.sql`). */
  readonly layout: "drizzle" | "supabase";
  /** Name of the first migration, which prepares the database for the policies. */
  readonly setupName: string;
  setupStatements(): string[];
  readonly drizzleRoles: DrizzleRoles;
  envExample(): string;
  readmeSection(): string;
  /** Files for local development, e.g. a stand-in for a vendor's auth functions. */
  devFiles(): readonly DevFile[];
}
