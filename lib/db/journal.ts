import { z } from "zod";
import type { Bundle } from "./bundle";

/** drizzle's separator; drizzle-orm splits on this exact text, wherever it appears. */
const BREAKPOINT = "--> statement-breakpoint";
const JOURNAL_SUFFIX = "meta/_journal.json";

const journalSchema = z.object({
  version: z.string(),
  dialect: z.literal("postgresql"),
  entries: z.array(
    z.object({
      idx: z.number().int().nonnegative(),
      version: z.string(),
      when: z.number().int().positive(),
      tag: z.string().regex(/^[\w.-]+$/, "a file name without a folder"),
      breakpoints: z.boolean(),
    }),
  ),
});

export type Journal = z.infer<typeof journalSchema>;

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JournalError";
  }
}

export interface Migration {
  /** Which tool's ledger records it: drizzle-kit's folder, or Supabase's `supabase/migrations`. */
  readonly ledger: "drizzle" | "supabase";
  readonly tag: string;
  /** drizzle: the journal's `when` (its ledger's created_at); Supabase: the file's version, 20260101000000. */
  readonly when: number;
  /** The file's path in the bundle, e.g. `drizzle/0001_tables.sql`. */
  readonly path: string;
  /** The pieces between breakpoints, untrimmed, exactly as drizzle-orm runs them. */
  readonly statements: readonly string[];
  /** sha256 hex of the file, as drizzle-orm's readMigrationFiles computes it. */
  readonly hash: string;
  /** drizzle: the ledger table in schema "drizzle", as the bundle's drizzle.config.ts names it. */
  readonly ledgerTable: string;
}

/** drizzle-kit's own ledger table, for bundles whose drizzle.config.ts names none. */
export const DEFAULT_DRIZZLE_LEDGER_TABLE = "__drizzle_migrations";

/** The `migrations.table` of the bundle's drizzle.config.ts, as drizzle-kit reads it. */
export function drizzleLedgerTable(bundle: Bundle): string {
  const config = bundle.find((file) => file.path === "drizzle.config.ts")?.contents ?? "";
  return /migrations:\s*\{[^}]*\btable:\s*"(\w+)"/.exec(config)?.[1] ?? DEFAULT_DRIZZLE_LEDGER_TABLE;
}

/** Finds the migrations folder (the one holding meta/_journal.json) and validates the journal. */
export function readJournal(bundle: Bundle): { folder: string; journal: Journal } {
  const journals = bundle.filter((file) => file.path === JOURNAL_SUFFIX || file.path.endsWith(`/${JOURNAL_SUFFIX}`));
  if (journals.length === 0) throw new JournalError(`the bundle has no migrations: no ${JOURNAL_SUFFIX} file`);
  if (journals.length > 1) {
    throw new JournalError(`the bundle has ${journals.length} migration journals (${journals.map((f) => f.path).join(", ")}); expected one`);
  }
  const file = journals[0];
  const folder = file.path.slice(0, -JOURNAL_SUFFIX.length);

  let parsed: unknown;
  try {
    parsed = JSON.parse(file.contents);
  } catch (error) {
    throw new JournalError(`${file.path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const result = journalSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new JournalError(`${file.path}: ${issues.join("; ")}`);
  }

  const journal = result.data;
  const tags = new Set<string>();
  journal.entries.forEach((entry, i) => {
    if (tags.has(entry.tag)) throw new JournalError(`${file.path}: entries[${i}].tag: "${entry.tag}" appears twice`);
    tags.add(entry.tag);
    // drizzle applies every entry newer than the last one recorded, so an entry that is not
    // newer than its predecessor would be skipped for ever once the predecessor is applied.
    const previous = journal.entries[i - 1];
    if (previous && entry.when <= previous.when) {
      throw new JournalError(`${file.path}: entries[${i}].when: ${entry.when} is not later than the entry before it (${previous.when})`);
    }
  });
  return { folder, journal };
}

const SUPABASE_MIGRATION = /^(?:.*\/)?supabase\/migrations\/(\d{14})_([\w.-]+)\.sql$/;

/** The bundle's migrations in order: a drizzle-kit folder (with its journal) or Supabase's folder. */
export async function readMigrations(bundle: Bundle): Promise<Migration[]> {
  const supabase = bundle.filter((file) => SUPABASE_MIGRATION.test(file.path));
  if (supabase.length > 0 && !bundle.some((file) => file.path.endsWith(JOURNAL_SUFFIX))) return readSupabaseMigrations(supabase);
  const { folder, journal } = readJournal(bundle);
  const ledgerTable = drizzleLedgerTable(bundle);
  // Files, not contents: reading every file's contents would also write the bundle's pgTAP test
  // file, which is made only when read (it is large and costly on big designs).
  const fileByPath = new Map(bundle.map((file) => [file.path, file]));
  return Promise.all(
    journal.entries.map(async (entry) => {
      const path = `${folder}${entry.tag}.sql`;
      const contents = fileByPath.get(path)?.contents;
      if (contents === undefined) throw new JournalError(`${path} is listed in the journal but missing from the bundle`);
      return { ledger: "drizzle" as const, tag: entry.tag, when: entry.when, path, statements: contents.split(BREAKPOINT), hash: await sha256Hex(contents), ledgerTable };
    }),
  );
}

/** Supabase runs each file as one script, in version order. */
async function readSupabaseMigrations(files: Bundle): Promise<Migration[]> {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  return Promise.all(
    sorted.map(async (file) => {
      const [, version, name] = SUPABASE_MIGRATION.exec(file.path)!;
      return { ledger: "supabase" as const, tag: `${version}_${name}`, when: Number(version), path: file.path, statements: [file.contents], hash: await sha256Hex(file.contents), ledgerTable: "" };
    }),
  );
}

/** Web Crypto, so the same code hashes in Node and in the browser; UTF-8 like Node's createHash. */
async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
