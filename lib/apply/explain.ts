import { z } from "zod";
import { compileDesign } from "../compiler";
import { OPERATIONS } from "../design";
import { openDatabase } from "../db";
import { explainBundle, ExplainError, type ExplainReport } from "../verify";
import { describeFailure } from "./errors";
import { errorResponse, jsonResponse, readRequest } from "./http";
import { destinationSchema } from "./request";
import { serverEnvironment } from "./server";
import type { ApplyEnvironment, Lease } from "./workflow";

/** POST /api/explain: one cell of the access matrix, explained row by row (lib/verify/explain.ts). */
export const explainRequestSchema = z.strictObject({
  design: z.looseObject({}),
  destination: destinationSchema,
  table: z.string().min(1).max(1024),
  principal: z.string().min(1).max(1024),
  operation: z.enum(OPERATIONS),
});

export type ExplainRequestBody = z.infer<typeof explainRequestSchema>;
export type { ExplainReport } from "../verify";

/**
 * Explains on the destination itself, inside a transaction that is rolled back (explainBundle
 * applies what the database lacks there, as verify does): the database is left as it was. A Neon
 * branch destination would need a new branch per question, so it is refused with what to do.
 */
export async function handleExplainRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, explainRequestSchema);
  if (!parsed.ok) return parsed.response;
  const { body, redactor } = parsed;
  const compiled = compileDesign(body.design);
  if (!compiled.ok) return errorResponse(400, "invalid-design", "the design has problems", compiled.problems.map((p) => ({ path: p.path ? `design.${p.path}` : "design", message: p.message })), redactor);
  if (body.destination.kind === "neon") {
    return errorResponse(400, "explain-neon", "explain runs on the embedded database or a database URL: copy the branch's connection string into \"PostgreSQL URL\", or run npm run cli -- verify design.json --database-url URL --explain 'table:principal:operation'", undefined, redactor);
  }
  let lease: Lease | null = null;
  try {
    const destination = body.destination;
    const opened: Lease = destination.kind === "embedded" ? await env.embedded() : await openDatabase({ url: destination.url }).then((db) => ({ db, release: () => db.close() }));
    lease = opened;
    const explanation: ExplainReport = await explainBundle(compiled.model, compiled.bundle, opened.db, { table: body.table, principal: body.principal, operation: body.operation });
    return jsonResponse(200, { ok: true, explanation }, redactor);
  } catch (error) {
    if (error instanceof ExplainError) return errorResponse(400, "explain", error.message, undefined, redactor);
    const failure = describeFailure("verify", error);
    return jsonResponse(200, { ok: false, error: { code: failure.code ?? "explain", message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) } }, redactor);
  } finally {
    await lease?.release();
  }
}
