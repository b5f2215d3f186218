import type { Model } from "../design";

/**
 * What differs between deployment targets (Neon, Supabase, plain PostgreSQL): the database
 * roles, how the signed-in user and the claims are read, and the setup each one needs.
 * The compiler asks a target; it never names a vendor itself.
 */
export interface TargetDialect {
  readonly name: Model["target"];
  /** Database role for requests with a valid token, and for requests without one. */
  readonly signedInRole: string;
  readonly anonymousRole: string;
  /** SQL returning the signed-in user's id as text (NULL when signed out). */
  readonly currentUserId: string;
  /** SQL returning the token's claims as jsonb (NULL when signed out). */
  readonly claims: string;
  /** Tag of the first migration, which prepares the database for the policies. */
  readonly setupTag: string;
  setupStatements(model: Model): string[];
  /** How `schema.ts` refers to the two roles. */
  readonly drizzleRoles: { readonly module: string; readonly signedIn: string; readonly anonymous: string };
  envExample(model: Model): string;
  /** Files for local development, e.g. a stand-in for a vendor extension. */
  devFiles(): readonly { readonly path: string; readonly contents: string }[];
  readmeSection(model: Model): string;
}
