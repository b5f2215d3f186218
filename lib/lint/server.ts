import { z } from "zod";
import { serverEnvironment } from "../apply/server";
import type { ApplyEnvironment } from "../apply/workflow";
import { handleSourceRequest, openSource, readFailure, schemaName, sourceSchema } from "../import/server";
import { lintDatabase, RULES, type Finding } from "./checks";
import { formatSarif } from "./format";

/**
 * POST /api/lint: splinter's RLS checks and ours on a database named as the Apply panel names it
 * (or on a SQL script loaded into a throwaway PGlite). Framework-free; never logs; the answer
 * passes through the request's redactor.
 */

export const lintRequestSchema = z.strictObject({
  source: sourceSchema,
  schema: schemaName.optional(),
});
export type LintRequestBody = z.infer<typeof lintRequestSchema>;

export interface LintAnswer {
  readonly ok: true;
  readonly location: string;
  readonly schema: string;
  readonly findings: readonly (Finding & { readonly title: string })[];
  /** The same findings as SARIF 2.1.0, for the download. */
  readonly sarif: object;
}

/** The SARIF tool version; the command line's `lint --format sarif` writes the same. */
const SARIF_VERSION = "1";

export async function lintSource(body: LintRequestBody, env: Pick<ApplyEnvironment, "embedded">): Promise<LintAnswer> {
  const schema = body.schema ?? "public";
  const opened = await openSource(body.source, env);
  try {
    let findings: Finding[];
    try {
      findings = (await lintDatabase(opened.db, schema)).findings;
    } catch (error) {
      throw readFailure(error, body.source);
    }
    return {
      ok: true,
      location: opened.location,
      schema,
      findings: findings.map((f) => ({ ...f, title: RULES[f.rule] })),
      sarif: formatSarif(findings, opened.location, SARIF_VERSION),
    };
  } finally {
    await opened.release();
  }
}

/** POST /api/lint `{ source, schema? }`: `{ ok: true, findings, sarif }` or `{ ok: false, error: { field, message, fix } }`. */
export function handleLintRequest(request: Request, env: Pick<ApplyEnvironment, "embedded"> = serverEnvironment()): Promise<Response> {
  return handleSourceRequest(request, lintRequestSchema, (body) => lintSource(body, env));
}
