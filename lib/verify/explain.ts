import { OPERATIONS, quoteIdent, type Model, type ModelTable, type Operation } from "../design";
import type { Bundle } from "../compiler";
import { applyWithin, inRolledBackTransaction, type Database } from "../db";
import { explainDecision, type Context, type Reason, type Row, type Value } from "./oracle";
import { effectiveContext, type Claims } from "./principals";
import { keyExpression, withVerification, type Outcome, type VerifySession } from "./run";
import { failingAssignment, leavingAssignments, passingAssignment } from "./samples";

/**
 * `verify --explain table:principal:operation`: for every sample row of one cell of the matrix,
 * why the meaning allows or refuses it (each part of the rule and the firewall, with the values
 * it compared) beside what the database did with that row alone.
 */
export interface ExplainRequest {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
}

export interface RowExplanation {
  /** The row's key as verification names rows; for insert, the new row's key. */
  readonly key: string;
  /** The row's values (for insert: the new row; for update: the old row). */
  readonly row: Row;
  /** Update only: the new values tried on the row, and why they were chosen. */
  readonly newValues?: { readonly values: Row; readonly purpose: "pass the check" | "fail the check" | "leave the firewall" };
  readonly allowed: boolean;
  readonly reasons: readonly Reason[];
  /** What the database did: "visible", "hidden", "deleted", "updated", "0 rows", "refused (42501)", "error ...". */
  readonly database: string;
  readonly agrees: boolean;
}

export interface ExplainReport {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  readonly role: string;
  readonly claims: Claims;
  readonly context: Context;
  readonly rows: readonly RowExplanation[];
}

export class ExplainError extends Error {}

/** Parses `table:principal:operation`; the principal may itself hold colons (the first and last split). */
export function parseExplainSpec(spec: string): ExplainRequest {
  const first = spec.indexOf(":");
  const last = spec.lastIndexOf(":");
  if (first < 0 || last === first) throw new ExplainError(`--explain: expected table:principal:operation (got ${JSON.stringify(spec)})`);
  const operation = spec.slice(last + 1).trim();
  if (!(OPERATIONS as readonly string[]).includes(operation)) throw new ExplainError(`--explain: the operation must be one of ${OPERATIONS.join(", ")} (got ${JSON.stringify(operation)})`);
  return { table: spec.slice(0, first), principal: spec.slice(first + 1, last), operation: operation as Operation };
}

const quoted = (name: string) => `public.${quoteIdent(name)}`;

/** Explains one cell inside the session's transaction, which it leaves as it found it. */
export async function explainCell(model: Model, session: VerifySession, request: ExplainRequest): Promise<ExplainReport> {
  const t = model.tables.find((x) => x.name === request.table);
  if (!t) throw new ExplainError(`--explain: no table ${JSON.stringify(request.table)}; the tables are ${model.tables.map((x) => x.name).join(", ")}`);
  return withVerification(model, session, null, async (v) => {
    const wanted = request.principal.trim().toLowerCase();
    const p = v.principals.find((x) => x.name.toLowerCase() === wanted) ?? onlyOne(v.principals.filter((x) => x.name.toLowerCase().startsWith(wanted)));
    if (!p) throw new ExplainError(`--explain: no principal ${JSON.stringify(request.principal)}; the principals are:\n${v.principals.map((x) => `  ${x.name}`).join("\n")}`);
    const ctx: Context = { signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) };
    const rows = v.tableRows.get(t.name)!;
    const samples = v.samplesByTable.get(t.name)!;
    const keyExpr = keyExpression(t);
    const out: RowExplanation[] = [];
    let who = { role: "", claims: {} as Claims };
    // Read after a principal's statement too: qualified names only, which its TEMP objects cannot shadow.
    const versions = () => v.readVersions(t);
    const base = await versions();
    const failure = (o: Outcome) => (o.sqlstate === "42501" ? "refused (42501)" : `error ${o.sqlstate}: ${o.message}`);
    const explainRow = (key: string, row: Row, before: Row | null, after: Row | null) => ({ key, row, ...explainDecision(model, t, request.operation, ctx, before, after, v.world) });

    if (request.operation === "select") {
      const result = await v.attempt(p, `SELECT ${keyExpr} AS k FROM ${quoted(t.name)}`, [], async (o, visible) => {
        o.keys = new Set(visible.map((r) => r.k));
      });
      who = result.who;
      for (const [key, row] of rows) {
        const decision = explainRow(key, row, row, null);
        const seen = result.outcome.keys ? (result.outcome.keys.has(key) ? "visible" : "hidden") : failure(result.outcome);
        out.push({ ...decision, database: seen, agrees: decision.allowed ? seen === "visible" : seen === "hidden" || seen === "refused (42501)" });
      }
    } else if (request.operation === "delete") {
      for (const [key, row] of rows) {
        const result = await v.attempt(p, `DELETE FROM ${quoted(t.name)}`, [], async (o) => {
          const left = await versions();
          o.keys = new Set(left.has(key) ? [] : [key]);
        }, { table: t, keys: [key] });
        who = result.who;
        const decision = explainRow(key, row, row, null);
        const did = result.outcome.keys ? (result.outcome.keys.size ? "deleted" : "0 rows") : failure(result.outcome);
        out.push({ ...decision, database: did, agrees: decision.allowed ? did === "deleted" : did === "0 rows" || did === "refused (42501)" });
      }
    } else if (request.operation === "update") {
      let turn = 0;
      for (const [key, row] of rows) {
        const tries: [Record<string, Value> | null, "pass the check" | "fail the check" | "leave the firewall"][] = [[passingAssignment(model, t, ctx, row, samples.interesting, v.world), "pass the check"]];
        if (explainDecision(model, t, "update", ctx, row, null, v.world).allowed) {
          tries.push([failingAssignment(model, t, ctx, row, samples.interesting, turn++, v.world), "fail the check"]);
          for (const leaving of leavingAssignments(model, t, ctx, row, samples.interesting, v.world)) tries.push([leaving, "leave the firewall"]);
        }
        for (const [assignment, purpose] of tries) {
          if (!assignment) continue;
          const columns = Object.keys(assignment);
          const sql = `UPDATE ${quoted(t.name)} SET ${columns.map((c, i) => `${quoteIdent(c)} = $${i + 1}::${t.columns.find((x) => x.name === c)!.type}`).join(", ")}`;
          const result = await v.attempt(p, sql, columns.map((c) => assignment[c]), async (o) => {
            const after = await versions();
            o.keys = new Set(after.get(key) !== base.get(key) ? [key] : []);
          }, { table: t, keys: [key] });
          who = result.who;
          const next = { ...row, ...assignment };
          const decision = explainRow(key, row, row, next);
          const usingAdmits = explainDecision(model, t, "update", ctx, row, null, v.world).allowed;
          const did = result.outcome.keys ? (result.outcome.keys.size ? "updated" : "0 rows") : failure(result.outcome);
          // Refused when USING admits the old row and the new one fails; 0 rows when USING does not admit it.
          const expected = decision.allowed ? "updated" : usingAdmits ? "refused (42501)" : "0 rows";
          const agrees = did === expected || (expected === "0 rows" && did === "refused (42501)" && !usingAdmits && result.outcome.message?.includes("permission denied") === true);
          out.push({ ...decision, newValues: { values: assignment, purpose }, database: did, agrees });
        }
      }
    } else {
      const columns = t.columns.map((c) => c.name);
      const sql = `INSERT INTO ${quoted(t.name)} (${columns.map(quoteIdent).join(", ")}) VALUES (${t.columns.map((c, i) => `$${i + 1}::${c.type}`).join(", ")})`;
      const pkOf = (row: Row) => JSON.stringify(t.primaryKey.map((c) => row[c]));
      const existing = new Set([...rows.values()].map(pkOf));
      for (const candidate of samples.insertCandidates) {
        const key = pkOf(candidate);
        if (existing.has(key)) continue;
        const result = await v.attempt(p, sql, columns.map((c) => candidate[c]));
        who = result.who;
        const decision = explainRow(key, candidate, null, candidate);
        const did = result.outcome.sqlstate === undefined ? "inserted" : failure(result.outcome);
        out.push({ ...decision, database: did, agrees: decision.allowed ? did === "inserted" : did === "refused (42501)" });
      }
    }
    return { table: t.name, principal: p.name, operation: request.operation, role: who.role, claims: who.claims, context: ctx, rows: out };
  });
}

function onlyOne<T>(list: readonly T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** As verifyBundle: applies what the database lacks, explains the cell, and rolls everything back. */
export async function explainBundle(model: Model, bundle: Bundle, db: Database, request: ExplainRequest): Promise<ExplainReport> {
  return inRolledBackTransaction(db, async (tx) => {
    await applyWithin(bundle, tx);
    return explainCell(model, tx, request);
  });
}

const show = (value: Value | undefined) => (value === null || value === undefined ? "NULL" : typeof value === "string" ? `'${value}'` : String(value));
const valuesText = (row: Row, table?: ModelTable) =>
  Object.entries(row)
    .filter(([name]) => !table || !table.primaryKey.includes(name))
    .map(([name, value]) => `${name}=${show(value)}`)
    .join(" ");

/** The explanation as text: per row, the meaning's parts (✓ held, ✗ did not) and the database's outcome. */
export function formatExplanation(report: ExplainReport, modelTable?: ModelTable): string {
  const ctx = report.context;
  const lines = [
    `explain ${report.table} / ${report.principal} / ${report.operation}`,
    `  as role ${report.role} with claims ${JSON.stringify(report.claims)}`,
    `  the meaning sees: ${ctx.signedIn ? `u ${show(ctx.userId)}, o ${show(ctx.org)}, r ${show(ctx.role)}` : "signed out"}`,
    "",
  ];
  for (const r of report.rows) {
    lines.push(`row ${r.key}  ${valuesText(r.row, modelTable)}`);
    if (r.newValues) lines.push(`  new values (to ${r.newValues.purpose}): ${valuesText(r.newValues.values)}`);
    for (const reason of r.reasons) lines.push(`  ${reason.holds ? "✓" : "✗"} ${reason.part}: ${reason.detail}`);
    lines.push(`  meaning: ${r.allowed ? "allowed" : "refused"}; database: ${r.database} ${r.agrees ? "✓" : "✗ MISMATCH"}`);
    lines.push("");
  }
  const disagreeing = report.rows.filter((r) => !r.agrees).length;
  lines.push(disagreeing === 0 ? `${report.rows.length} rows: the database agrees with the meaning on each` : `${disagreeing} of ${report.rows.length} rows differ from the meaning`);
  return lines.join("\n");
}
