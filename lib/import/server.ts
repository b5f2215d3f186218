import { z } from "zod";
import { openDatabase, type Database } from "../db";
import { PROVIDERS, TARGETS, validateDesign, type Design, type Provider, type Target } from "../design";
import { describeFailure } from "../apply/errors";
import { errorResponse, jsonResponse, readRequest } from "../apply/http";
import type { Redactor } from "../apply/redact";
import { destinationSchema } from "../apply/request";
import { serverEnvironment } from "../apply/server";
import type { ApplyEnvironment } from "../apply/workflow";
import { connectionForBranch, neonApi } from "../neon";
import { CatalogError, readCatalog } from "./catalog";
import { DumpError, loadSqlDump, openDumpDatabase } from "./dump";
import { proposeDesign, type ImportWarning } from "./propose";

/**
 * POST /api/import (and the source half of POST /api/lint and POST /api/import/verify): where the
 * tables come from, as the Apply panel names a database (the embedded one, a PostgreSQL URL, an
 * existing Neon branch through an API key), plus a SQL script loaded into a throwaway PGlite.
 * Framework-free like lib/apply/server.ts; never logs; every answer passes through the request's
 * redactor, so a connection string's password or an API key is never echoed.
 */

/** A dump is larger than a design: up to 5 MB of SQL. */
export const MAX_SQL_BYTES = 5_000_000;

const [embeddedSource, postgresSource] = destinationSchema.options;

/** Neon's IDs, as the Apply panel's requests check them. */
const NEON_ID = /^[a-z0-9-]{1,60}$/;
const pgName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^\P{Cc}+$/u, "a database or role name, without control characters");

/**
 * An existing Neon branch, read where it is (never copied, never changed): the key lists it and
 * fetches its connection string on the server, which keeps neither.
 */
const neonSource = z.strictObject({
  kind: z.literal("neon"),
  apiKey: z.string().min(1, "the Neon API key is required").max(1024),
  projectId: z.string().regex(NEON_ID, "a Neon project ID, e.g. soft-dew-12345678"),
  /** The project's default branch when absent. */
  branchId: z.string().regex(NEON_ID, "a Neon branch ID, e.g. br-small-term-683261").optional(),
  /** `neondb` (or the branch's first database) and its owner when absent. */
  databaseName: pgName.optional(),
  roleName: pgName.optional(),
});

export const sourceSchema = z.discriminatedUnion("kind", [
  embeddedSource,
  postgresSource,
  neonSource,
  z.strictObject({
    kind: z.literal("sql"),
    /** A `pg_dump --schema-only` file, or migrations' .sql files one after the other. */
    text: z.string().max(MAX_SQL_BYTES, "at most 5 MB of SQL").refine((t) => t.trim() !== "", "paste or choose a SQL file (pg_dump --schema-only, or migrations)"),
    /** The file's name, for messages ("schema.sql does not load near line 3"). */
    fileName: z.string().max(256).optional(),
  }),
]);
export type ImportSource = z.infer<typeof sourceSchema>;

/** The schema a request reads (import and lint alike). */
export const schemaName = z
  .string()
  .min(1, "name the schema, e.g. public")
  .max(63, "a schema name has at most 63 characters")
  .regex(/^\P{Cc}+$/u, "a schema name, without control characters");

export const importRequestSchema = z.strictObject({
  source: sourceSchema,
  schema: schemaName.optional(),
  target: z.enum(TARGETS).optional(),
  provider: z.enum(PROVIDERS).optional(),
  name: z.string().min(1).max(63).optional(),
});
export type ImportRequestBody = z.infer<typeof importRequestSchema>;

/** Which request field a failure is about, so the form can point at it. */
export type SourceField = "source.url" | "source.text" | "source.neon" | "schema";

/** A refusal the user can act on: which field, what went wrong, what to do. */
export interface SourceFailure {
  readonly field: SourceField;
  readonly code: string;
  readonly message: string;
  readonly fix?: string;
  readonly sqlstate?: string;
}

/** One table as the import read it, for the result view. */
export interface ImportedTable {
  readonly name: string;
  readonly columns: number;
  /** The proposed firewall in words: `organization (org_id)`, `owner (user_id)`, `public, no access`. */
  readonly firewall: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly policies: number;
}

export interface ImportAnswer {
  readonly ok: true;
  readonly location: string;
  readonly design: Design;
  readonly tables: readonly ImportedTable[];
  /** Tables left out of the design (no primary key), by name. */
  readonly skipped: readonly string[];
  readonly warnings: readonly ImportWarning[];
  /** The existing policies, verbatim: the design does not produce them. */
  readonly existingPolicies: readonly { table: string; name: string; command: string; roles: readonly string[]; permissive: boolean; using: string | null; withCheck: string | null }[];
}

/** A source's database, opened for one request, and how to give it back. */
export interface OpenedSource {
  readonly db: Database;
  /** Where the tables were read, for the view: `PGlite in …`, `postgres://user@host/db`, `schema.sql`. */
  readonly location: string;
  release(): Promise<void>;
}

export class SourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(failure.message);
  }
}

/** What a source needs of the server: the embedded database, and where Neon's API and proxy are. */
export type SourceEnvironment = Pick<ApplyEnvironment, "embedded" | "neon">;

/** Connects to a URL and asks something (connecting may be lazy), so an unreachable server fails here, as a connection failure of `field`. */
async function connect(url: string, field: SourceField, driver?: "neon-serverless", proxy?: string): Promise<Database> {
  let db: Database | undefined;
  try {
    db = await openDatabase({ url, ...(driver ? { driver } : {}), ...(proxy ? { neon: { proxy } } : {}) });
    await db.query("select 1");
    return db;
  } catch (error) {
    await db?.close().catch(() => {});
    const failure = describeFailure("connect", error);
    throw new SourceError({ field, code: failure.sqlstate ?? failure.code ?? "connection", message: `could not connect: ${failure.message}`, ...(failure.fix ? { fix: failure.fix } : {}), ...(failure.sqlstate ? { sqlstate: failure.sqlstate } : {}) });
  }
}

/**
 * Opens the source: the embedded database is leased (other runs wait), a URL is connected, a Neon
 * branch's connection string is fetched with the key and connected (the string is added to
 * `redactor`: it holds the role's password), a SQL script is loaded into a throwaway in-memory
 * PGlite (it never touches a real database). A failure is a SourceError naming the field and the cause.
 */
export async function openSource(source: ImportSource, env: SourceEnvironment, redactor?: Redactor): Promise<OpenedSource> {
  if (source.kind === "embedded") {
    const lease = await env.embedded();
    return { db: lease.db, location: lease.db.location, release: () => lease.release() };
  }
  if (source.kind === "postgres") {
    const db = await connect(source.url, "source.url");
    return { db, location: db.location, release: () => db.close().catch(() => {}) };
  }
  if (source.kind === "neon") {
    const api = neonApi({ apiKey: source.apiKey, baseURL: env.neon?.baseURL });
    let branch;
    try {
      branch = await connectionForBranch(api, { projectId: source.projectId, branchId: source.branchId, databaseName: source.databaseName, roleName: source.roleName });
    } catch (error) {
      const failure = describeFailure("connection-string", error);
      throw new SourceError({ field: "source.neon", code: failure.code ?? "neon-api", message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) });
    }
    redactor?.add(branch.connectionUri);
    const db = await connect(branch.connectionUri, "source.neon", "neon-serverless", env.neon?.proxy);
    return { db, location: `${branch.databaseName} on Neon branch ${branch.branchName} (${branch.projectId})`, release: () => db.close().catch(() => {}) };
  }
  const db = await openDumpDatabase();
  const name = source.fileName?.trim() || "the SQL";
  try {
    await loadSqlDump(db, source.text, name);
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof DumpError) throw new SourceError({ field: "source.text", code: "dump-does-not-load", message: error.message, fix: error.fix });
    throw error;
  }
  return { db, location: name, release: () => db.close().catch(() => {}) };
}

/** A failure while reading the catalogs, as a SourceError: the schema's, or the connection's (no privilege, ...). */
export function readFailure(error: unknown, source: ImportSource): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof CatalogError) return new SourceError({ field: "schema", code: "schema", message: error.message, fix: error.fix });
  const failure = describeFailure("plan", error);
  return new SourceError({
    field: source.kind === "sql" ? "source.text" : source.kind === "neon" ? "source.neon" : "source.url",
    code: failure.sqlstate ?? failure.code ?? "read",
    message: `could not read the catalogs: ${failure.message}`,
    ...(failure.fix ? { fix: failure.fix } : {}),
    ...(failure.sqlstate ? { sqlstate: failure.sqlstate } : {}),
  });
}

/**
 * A POST that reads a source (import, lint): the body checked as Apply's are, then `answer`; a
 * SourceError is 200 with `ok: false` (the request was fine, the database was not), as the plan
 * answers; everything passes through the request's redactor.
 */
export async function handleSourceRequest<S extends z.ZodType>(request: Request, schema: S, answer: (body: z.infer<S>, redactor: Redactor) => Promise<object>): Promise<Response> {
  const parsed = await readRequest(request, schema, MAX_SQL_BYTES + 100_000);
  if (!parsed.ok) return parsed.response;
  try {
    return jsonResponse(200, await answer(parsed.body, parsed.redactor), parsed.redactor);
  } catch (error) {
    if (error instanceof SourceError) return jsonResponse(200, { ok: false, error: error.failure }, parsed.redactor);
    return errorResponse(500, "internal", parsed.redactor.redact(`unexpected error: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function firewallInWords(design: Design["tables"][number]): string {
  const f = design.firewall;
  if (!f || f.public) return "public, no access";
  const parts = [f.organization ? `organization (${f.organization.column})` : null, f.owner ? `owner (${f.owner.column})` : null].filter(Boolean);
  return parts.join(" + ") || "none";
}

/** Reads the source's tables into a proposed design; nothing is written anywhere. */
export async function importFrom(body: ImportRequestBody, env: SourceEnvironment, redactor?: Redactor): Promise<ImportAnswer> {
  const schema = body.schema ?? "public";
  const opened = await openSource(body.source, env, redactor);
  try {
    let result;
    try {
      const catalog = await readCatalog(opened.db, schema);
      result = { catalog, ...proposeDesign(catalog, { target: body.target as Target | undefined, provider: (body.provider ?? (body.target === "supabase" ? "supabase" : "custom")) as Provider, ...(body.name ? { name: body.name } : {}) }) };
    } catch (error) {
      throw readFailure(error, body.source);
    }
    const { catalog, design, warnings, existingPolicies } = result;
    if (design.tables.length === 0) {
      const skipped = catalog.tables.map((t) => t.name);
      throw new SourceError({
        field: body.source.kind === "sql" && catalog.tables.length === 0 ? "source.text" : "schema",
        code: "no-tables",
        message: skipped.length > 0 ? `no table of schema ${schema} has a primary key (${skipped.join(", ")}), so none can be adopted` : `no tables in schema ${schema} of ${opened.location}`,
        fix: skipped.length > 0 ? "add a primary key to each table (ALTER TABLE ... ADD PRIMARY KEY), then import again" : "choose the schema that holds the tables",
      });
    }
    const checked = validateDesign(design);
    if (!checked.ok) {
      throw new SourceError({ field: "schema", code: "invalid-design", message: `the tables do not make a valid design yet: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, fix: "import the tables with the command line to see each problem; nothing was changed" });
    }
    const byName = new Map(catalog.tables.map((t) => [t.name, t]));
    return {
      ok: true,
      location: opened.location,
      design,
      tables: design.tables.map((t) => {
        const read = byName.get(t.name)!;
        return { name: t.name, columns: t.columns.length, firewall: firewallInWords(t), rlsEnabled: read.rlsEnabled, rlsForced: read.rlsForced, policies: read.policies.length };
      }),
      skipped: catalog.tables.filter((t) => t.primaryKey.length === 0).map((t) => t.name),
      warnings,
      existingPolicies: existingPolicies.map((p) => ({ table: p.table, name: p.name, command: p.command, roles: p.roles, permissive: p.permissive, using: p.using, withCheck: p.withCheck })),
    };
  } finally {
    await opened.release();
  }
}

/** POST /api/import `{ source, schema?, target?, provider?, name? }`: `{ ok: true, design, tables, warnings, ... }` or `{ ok: false, error: { field, message, fix } }`. */
export function handleImportRequest(request: Request, env: SourceEnvironment = serverEnvironment()): Promise<Response> {
  return handleSourceRequest(request, importRequestSchema, (body, redactor) => importFrom(body, env, redactor));
}
