import { z } from "zod";
import { describeFailure } from "../apply/errors";
import { errorResponse, ndjsonResponse, readRequest } from "../apply/http";
import { serverEnvironment } from "../apply/server";
import { compileDesign } from "../compiler";
import type { Model } from "../design";
import { formatReport, type VerifyReport } from "../verify";
import { readCatalog } from "./catalog";
import { changesFromCurrent, type CurrentChange } from "./current-changes";
import { MAX_SQL_BYTES, openSource, readFailure, SourceError, sourceSchema, type SourceEnvironment, type SourceFailure } from "./server";
import { verifyCurrentPolicies } from "./verify-current";

/**
 * POST /api/import/verify: issue 10's "verify what you imported", in the designer. Every principal
 * and operation against a design's meaning, on the source's own policies and grants as they are
 * (nothing of the design but the roles and the auth functions, in one transaction that is rolled
 * back), then what applying the design changes. The source is named as for POST /api/import; the
 * progress streams as NDJSON, the last line `done` with the answer or the failure in words.
 */

export const verifyCurrentRequestSchema = z.strictObject({
  source: sourceSchema,
  /** Verify reads the design's tables in `public`: any other schema is refused with what to do. */
  schema: z.string().max(63).optional(),
  /** The design whose meaning the policies are held to: the one just imported, or the one open in the designer. */
  design: z.looseObject({}),
});
export type VerifyCurrentRequestBody = z.infer<typeof verifyCurrentRequestSchema>;

export interface VerifyCurrentAnswer {
  readonly ok: true;
  readonly location: string;
  /** The database's own policies against the design: `actual` is what they allow today, `expected` what the design allows. */
  readonly report: VerifyReport;
  /** The same as text, as `verify --current` prints it. */
  readonly matrix: string;
  /** What applying the design changes: one line per cell that differs. */
  readonly changes: readonly CurrentChange[];
}

/** A failure: the source's (with its field), or verify's own (no field). */
export type VerifyFailure = Omit<SourceFailure, "field"> & { readonly field?: SourceFailure["field"] };

export type VerifyCurrentEvent =
  | { readonly step: "open" | "verify"; readonly status: "running" | "done"; readonly detail: string; readonly index?: number; readonly total?: number }
  | { readonly step: "done"; readonly status: "done"; readonly detail: string; readonly answer: VerifyCurrentAnswer }
  | { readonly step: "done"; readonly status: "failed"; readonly detail: string; readonly error: VerifyFailure };

const OPENING: Record<VerifyCurrentRequestBody["source"]["kind"], string> = {
  embedded: "opening the embedded database",
  postgres: "connecting to the database",
  neon: "fetching the Neon branch's connection string and connecting",
  sql: "loading the SQL into a throwaway embedded database",
};

/** The design's tables and columns the database lacks: verify would write sample rows into them. */
async function missingFrom(model: Model, db: Parameters<typeof readCatalog>[0]): Promise<string[]> {
  const catalog = await readCatalog(db, "public");
  const tables = new Map(catalog.tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  return model.tables.flatMap((t) => {
    const columns = tables.get(t.name);
    if (!columns) return [`table ${t.name}`];
    return t.columns.filter((c) => !columns.has(c.name)).map((c) => `column ${t.name}.${c.name}`);
  });
}

/** Runs the verification, reporting each step; never throws (a failure is the last event). */
export async function verifyCurrentSource(model: Model, bundle: Parameters<typeof verifyCurrentPolicies>[1], body: VerifyCurrentRequestBody, env: SourceEnvironment, send: (event: VerifyCurrentEvent) => void, redactor?: Parameters<typeof openSource>[2]): Promise<void> {
  const fail = (error: VerifyFailure) => send({ step: "done", status: "failed", detail: error.message, error });
  const schema = body.schema?.trim() || "public";
  if (schema !== "public") {
    return fail({ field: "schema", code: "schema", message: `verify checks the design's tables in schema public; these were read from ${schema}`, fix: "Verify on a database whose tables are in public, or run npm run cli -- verify design.json --current against a copy whose tables were moved there." });
  }
  send({ step: "open", status: "running", detail: OPENING[body.source.kind] });
  let opened;
  try {
    opened = await openSource(body.source, env, redactor);
  } catch (error) {
    if (error instanceof SourceError) return fail(error.failure);
    const failure = describeFailure("connect", error);
    return fail({ code: failure.code ?? "open", message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) });
  }
  try {
    send({ step: "open", status: "done", detail: `opened ${opened.location}` });
    let missing: string[];
    try {
      missing = await missingFrom(model, opened.db);
    } catch (error) {
      return fail(readFailure(error, body.source).failure);
    }
    if (missing.length > 0) {
      return fail({
        code: "not-in-database",
        message: `the design has ${missing.join(", ")}, which ${opened.location} lacks: verify compares the policies of tables that exist`,
        fix: "Verify the design as it was imported, or import the database again; tables the design adds are verified after Apply.",
      });
    }
    send({ step: "verify", status: "running", detail: `setting up the roles and auth functions, then every principal on sample rows, in a transaction that is rolled back`, index: 0, total: model.tables.length });
    let report: VerifyReport;
    try {
      report = await verifyCurrentPolicies(model, bundle, opened.db, (p) => send({ step: "verify", status: "running", detail: `table ${p.index + 1} of ${p.total}: ${p.table}`, index: p.index + 1, total: p.total }));
    } catch (error) {
      const failure = describeFailure("verify", error);
      return fail({ code: failure.sqlstate ?? failure.code ?? "verify", message: `verify could not run: ${failure.message}; nothing was changed`, ...(failure.fix ? { fix: failure.fix } : {}), ...(failure.sqlstate ? { sqlstate: failure.sqlstate } : {}) });
    }
    const changes = changesFromCurrent(report);
    const detail = report.ok ? `verified: the policies already allow what the design allows (${report.checks} statements)` : `${changes.length} change${changes.length === 1 ? "" : "s"} if the design is applied (${report.checks} statements)`;
    send({ step: "verify", status: "done", detail });
    send({ step: "done", status: "done", detail, answer: { ok: true, location: opened.location, report, matrix: formatReport(report), changes } });
  } finally {
    await opened.release();
  }
}

/** POST /api/import/verify `{ source, schema?, design }`: NDJSON, one VerifyCurrentEvent per line. */
export async function handleVerifyCurrentRequest(request: Request, env: SourceEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, verifyCurrentRequestSchema, MAX_SQL_BYTES + 1_100_000);
  if (!parsed.ok) return parsed.response;
  const { body, redactor } = parsed;
  const compiled = compileDesign(body.design);
  if (!compiled.ok) return errorResponse(400, "invalid-design", "the design has problems", compiled.problems.map((p) => ({ path: p.path ? `design.${p.path}` : "design", message: p.message })), redactor);
  return ndjsonResponse<VerifyCurrentEvent>(async (send) => {
    const emit = (event: VerifyCurrentEvent) => send(redactor.redactDeep(event));
    try {
      await verifyCurrentSource(compiled.model, compiled.bundle, body, env, emit, redactor);
    } catch (error) {
      const failure = describeFailure("done", error);
      emit({ step: "done", status: "failed", detail: failure.message, error: { code: "internal", message: `unexpected error: ${failure.message}` } });
    }
  });
}
