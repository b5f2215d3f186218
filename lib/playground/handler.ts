import { z } from "zod";
import { compileDesign } from "../compiler";
import { describeFailure } from "../apply/errors";
import { errorResponse, jsonResponse, readRequest } from "../apply/http";
import { serverEnvironment } from "../apply/server";
import type { ApplyEnvironment, Lease } from "../apply/workflow";
import type { Claims } from "../verify/principals";
import { MAX_STATEMENT_LENGTH } from "./statement";
import { PlaygroundError, runAs, viewAs, type PlaygroundOptions, type PlaygroundPrincipal } from "./session";

const name = z.string().min(1).max(1024);

export const playgroundPrincipalSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("verify"), name }),
  z.strictObject({
    kind: z.literal("custom"),
    signedIn: z.boolean(),
    claims: z.record(z.string().max(256), z.unknown()).refine((c) => JSON.stringify(c).length <= 16_000, "at most 16,000 characters of claims"),
    memberships: z.array(z.strictObject({ org: z.string().min(1).max(256), role: z.string().min(1).max(256) })).max(20).optional(),
    activeOrg: z.string().min(1).max(256).nullable().optional(),
  }),
]);

/**
 * POST /api/playground/view { design, principal } and POST /api/playground/run { design,
 * principal, sql }. There is no destination: the playground works on the embedded database only,
 * never on a database a request names, and rolls back everything it does there.
 */
export const playgroundViewSchema = z.strictObject({ design: z.looseObject({}), principal: playgroundPrincipalSchema });
export const playgroundRunSchema = z.strictObject({ design: z.looseObject({}), principal: playgroundPrincipalSchema, sql: z.string().max(MAX_STATEMENT_LENGTH) });

async function onEmbedded<S extends typeof playgroundViewSchema | typeof playgroundRunSchema>(
  request: Request,
  schema: S,
  env: ApplyEnvironment,
  work: (body: z.infer<S>, compiled: Extract<ReturnType<typeof compileDesign>, { ok: true }>, lease: Lease) => Promise<unknown>,
): Promise<Response> {
  const parsed = await readRequest(request, schema);
  if (!parsed.ok) return parsed.response;
  const { body, redactor } = parsed as { body: z.infer<S>; redactor: typeof parsed.redactor };
  const compiled = compileDesign(body.design);
  if (!compiled.ok) return errorResponse(400, "invalid-design", "the design has problems", compiled.problems.map((p) => ({ path: p.path ? `design.${p.path}` : "design", message: p.message })), redactor);
  let lease: Lease | null = null;
  try {
    lease = await env.embedded();
    return jsonResponse(200, { ok: true, ...((await work(body, compiled, lease)) as object) }, redactor);
  } catch (error) {
    if (error instanceof PlaygroundError) return errorResponse(400, "playground", error.message, undefined, redactor);
    const failure = describeFailure("verify", error);
    return jsonResponse(200, { ok: false, error: { code: failure.code ?? "playground", message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) } }, redactor);
  } finally {
    await lease?.release();
  }
}

/** RLSD_PLAYGROUND_DEADLINE_MS: how long a statement may run in the playground (ms; 5000 unless set). */
export function playgroundOptions(env: Readonly<Record<string, string | undefined>> = process.env): PlaygroundOptions {
  const ms = Number(env.RLSD_PLAYGROUND_DEADLINE_MS);
  return Number.isInteger(ms) && ms > 0 ? { deadlineMs: ms } : {};
}

const asPrincipal = (p: z.infer<typeof playgroundPrincipalSchema>): PlaygroundPrincipal => (p.kind === "verify" ? p : { ...p, claims: p.claims as Claims });

export function handlePlaygroundView(request: Request, env: ApplyEnvironment = serverEnvironment(), options: PlaygroundOptions = playgroundOptions()): Promise<Response> {
  return onEmbedded(request, playgroundViewSchema, env, async (body, c, lease) => ({ view: await viewAs(c.model, c.bundle, lease.db, asPrincipal(body.principal), options) }));
}

export function handlePlaygroundRun(request: Request, env: ApplyEnvironment = serverEnvironment(), options: PlaygroundOptions = playgroundOptions()): Promise<Response> {
  return onEmbedded(request, playgroundRunSchema, env, async (body, c, lease) => ({ result: await runAs(c.model, c.bundle, lease.db, asPrincipal(body.principal), (body as z.infer<typeof playgroundRunSchema>).sql, options) }));
}
