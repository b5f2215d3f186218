import { z } from "zod";
import { serverEnvironment } from "../apply/server";
import type { Redactor } from "../apply/redact";
import { handleSourceRequest, openSource, readFailure, schemaName, sourceSchema, type SourceEnvironment } from "../import/server";
import type { Table } from "../design";
import { proposeDesign } from "../import/propose";
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
  /**
   * Each table of the schema as an import would propose it (existing, firewall guessed): what the
   * designer's "Add to the design" fix adds for a finding on a table the open design lacks.
   */
  readonly proposed: readonly Table[];
}

/** The SARIF tool version; the command line's `lint --format sarif` writes the same. */
const SARIF_VERSION = "1";

export async function lintSource(body: LintRequestBody, env: SourceEnvironment, redactor?: Redactor): Promise<LintAnswer> {
  const schema = body.schema ?? "public";
  const opened = await openSource(body.source, env, redactor);
  try {
    let findings: Finding[];
    let proposed: readonly Table[];
    try {
      const linted = await lintDatabase(opened.db, schema);
      findings = linted.findings;
      proposed = proposeDesign(linted.catalog).design.tables;
    } catch (error) {
      throw readFailure(error, body.source);
    }
    return {
      ok: true,
      location: opened.location,
      schema,
      findings: findings.map((f) => ({ ...f, title: RULES[f.rule] })),
      sarif: formatSarif(findings, opened.location, SARIF_VERSION),
      proposed,
    };
  } finally {
    await opened.release();
  }
}

/** POST /api/lint `{ source, schema? }`: `{ ok: true, findings, sarif }` or `{ ok: false, error: { field, message, fix } }`. */
export function handleLintRequest(request: Request, env: SourceEnvironment = serverEnvironment()): Promise<Response> {
  return handleSourceRequest(request, lintRequestSchema, (body, redactor) => lintSource(body, env, redactor));
}
