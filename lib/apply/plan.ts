import { ledgerOf, pendingMigrations, readMigrations, type Bundle, type Migration, type Session } from "../db";
import { analyseMigration, type DestructiveChange } from "./analyse";

/**
 * - `pending`: this apply will run it.
 * - `applied`: the ledger records it, with the same contents.
 * - `changed`: the ledger records a migration at its place with other contents: an earlier
 *   version of the design was applied here.
 * - `unrecorded`: not in the ledger, yet drizzle counts it as applied because the ledger holds a
 *   later migration (from another project?).
 */
export type MigrationStatus = "pending" | "applied" | "changed" | "unrecorded";

export interface PlannedMigration {
  readonly tag: string;
  readonly file: string;
  readonly status: MigrationStatus;
  /** How many statements (breakpoint-separated pieces) it holds. */
  readonly statements: number;
  /** One line: what it creates, and first what it destroys. */
  readonly summary: string;
  readonly destructive: readonly DestructiveChange[];
}

export interface Plan {
  /** Where (passwords hidden). */
  readonly location: string;
  readonly migrations: readonly PlannedMigration[];
  /** Tags this apply will run, in order. */
  readonly pending: readonly string[];
  /** What the pending migrations drop or rewrite; applying them needs an explicit confirmation. */
  readonly destructive: readonly DestructiveChange[];
  /** Why this database cannot take this design as it is (see `changed`, `unrecorded`); empty when it can. */
  readonly conflicts: readonly string[];
  /** Set when the database holds an earlier version of the design and the bundle was compiled against it. */
  readonly version?: string;
  /** What that change newly allows, from the meaning (principal, operation, table); applying it needs an explicit confirmation. */
  readonly widens?: readonly string[];
  /** Everything that change does to access, widened or narrowed (the behavioural diff), in words. */
  readonly access?: readonly string[];
  /** The version of this design the database holds (from its record), and whether it is the design being applied. */
  readonly held?: { readonly version: number; readonly matches: boolean };
  /** Spec §5: policies on adopted tables that the design does not produce; kept unless the apply confirms dropping them. */
  readonly foreignPolicies?: readonly { readonly table: string; readonly name: string; readonly definition: string; readonly dropped: boolean }[];
}

interface LedgerRow {
  when: number;
  fingerprint: string;
}

/** Reads the ledger without taking any lock or changing anything. */
export async function planFor(bundle: Bundle, session: Session, location: string): Promise<Plan> {
  const migrations = await readMigrations(bundle);
  const pending = new Set(await pendingMigrations(bundle, session));
  const rows = await ledgerRows(migrations, session);
  const planned = migrations.map((m): PlannedMigration => {
    const { statements, summary, destructive } = analyseMigration(m);
    return { tag: m.tag, file: m.path, status: statusOf(m, pending, rows), statements, summary, destructive };
  });
  const conflicts: string[] = [];
  const changed = planned.filter((m) => m.status === "changed").map((m) => m.tag);
  if (changed.length > 0) {
    conflicts.push(
      `${list(changed)} ${changed.length === 1 ? "was" : "were"} applied here from another version of this design (the SQL differs). To move it to the new version, compile the new design against the bundle that was applied here (npm run cli -- compile new.json --out <that bundle's folder>, or --from <the design it was compiled from>): the earlier migrations stay as they are and one migration for the change is appended. Or apply to a new Neon branch or an empty database, or empty the embedded one (the designer's "Empty the embedded database", or npm run cli -- reset).`,
    );
  }
  const unrecorded = planned.filter((m) => m.status === "unrecorded").map((m) => m.tag);
  if (unrecorded.length > 0) {
    conflicts.push(
      `${list(unrecorded)} ${unrecorded.length === 1 ? "is" : "are"} not in the migration ledger, yet would be skipped: the ledger holds later migrations that are not this design's.`,
    );
  }
  return {
    location,
    migrations: planned,
    pending: planned.filter((m) => m.status === "pending").map((m) => m.tag),
    destructive: planned.filter((m) => m.status === "pending").flatMap((m) => m.destructive),
    conflicts,
  };
}

function statusOf(m: Migration, pending: Set<string>, rows: LedgerRow[]): MigrationStatus {
  if (pending.has(m.tag)) return "pending";
  const row = rows.find((r) => r.when === m.when);
  if (!row) return "unrecorded";
  return row.fingerprint === fingerprintOf(m) ? "applied" : "changed";
}

/** What each ledger keeps to recognise a migration: drizzle a hash of the file, Supabase the statements. */
function fingerprintOf(m: Migration): string {
  return m.ledger === "supabase" ? JSON.stringify(m.statements) : m.hash;
}

async function ledgerRows(migrations: readonly Migration[], session: Session): Promise<LedgerRow[]> {
  if (migrations[0]?.ledger === "supabase") {
    if (!(await exists(session, "supabase_migrations.schema_migrations"))) return [];
    const rows = await session.query<{ version: string; statements: string[] | null }>(`select version, statements from supabase_migrations.schema_migrations`);
    return rows.rows.map((r) => ({ when: Number(r.version), fingerprint: JSON.stringify(r.statements ?? []) }));
  }
  const rows = (await ledgerOf(migrations).rows?.(session, migrations)) ?? [];
  return rows.map((r) => ({ when: Number(r.created_at), fingerprint: r.hash }));
}

async function exists(session: Session, table: string): Promise<boolean> {
  return (await session.query<{ found: boolean }>("select to_regclass($1) is not null as found", [table])).rows[0]?.found === true;
}

function list(tags: readonly string[]): string {
  return tags.join(", ");
}

/** "2 of 5 migrations to apply (1 destructive change)" and the like. */
export function planHeadline(plan: Plan): string {
  const total = plan.migrations.length;
  if (plan.conflicts.length > 0) return `this database holds another version of this design: ${plan.conflicts[0]}`;
  if (plan.pending.length === 0) return `nothing to apply: all ${total} migrations are already applied`;
  const widens = plan.widens?.length ?? 0;
  const destructive = [
    ...(plan.destructive.length ? [`${plan.destructive.length} destructive change${plan.destructive.length === 1 ? "" : "s"}`] : []),
    ...(widens ? [`widens access in ${widens} place${widens === 1 ? "" : "s"}`] : []),
  ].join(", ");
  return `${plan.pending.length} of ${total} migration${total === 1 ? "" : "s"} to apply${destructive ? ` (${destructive})` : ""}`;
}

/** The plan as lines of text, as the command line prints it. */
export function formatPlan(plan: Plan): string {
  const width = Math.max(...plan.migrations.map((m) => m.tag.length), 3);
  const lines = [`plan for ${plan.location}: ${planHeadline(plan)}`];
  if (plan.version) lines.push(`  ${plan.version}`);
  else if (plan.held) lines.push(`  this database holds version ${plan.held.version} of this design${plan.held.matches ? ", the one being applied" : ""}`);
  for (const a of plan.access ?? []) if (!(plan.widens ?? []).includes(a)) lines.push(`  ACCESS ${a}`);
  for (const w of plan.widens ?? []) lines.push(`  WIDENS ${w}`);
  for (const m of plan.migrations) {
    lines.push(`  ${m.tag.padEnd(width)}  ${m.status.padEnd(10)}  ${m.status === "pending" ? m.summary : ""}`.trimEnd());
  }
  for (const d of plan.destructive) lines.push(`  DESTRUCTIVE ${d.file}, statement ${d.statement}: ${d.kind} ${d.target}`);
  for (const c of plan.conflicts) lines.push(`  CONFLICT ${c}`);
  for (const p of plan.foreignPolicies ?? []) {
    lines.push(`  FOREIGN POLICY ${p.table}.${p.name}: ${p.definition} (${p.dropped ? "dropped by this apply" : "not in the design, kept: permissive ones widen what the design allows; --drop-foreign-policies drops them"})`);
  }
  return lines.join("\n");
}
