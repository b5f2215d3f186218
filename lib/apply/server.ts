import { compileDesign } from "../compiler";
import { listBranchDatabases, listBranches, listProjects, neonApi } from "../neon";
import { describeFailure } from "./errors";
import { emptyEmbedded, leaseEmbedded } from "./embedded";
import { errorResponse, isSameOrigin, jsonResponse, ndjsonResponse, readRequest, type Issue } from "./http";
import { Redactor } from "./redact";
import { applyRequestSchema, neonBranchesRequestSchema, neonDatabasesRequestSchema, neonProjectsRequestSchema, type ApplyRequestBody } from "./request";
import type { ApplyEvent } from "./types";
import { runApply, type ApplyEnvironment, type ApplyJob } from "./workflow";

/**
 * The API's handlers, framework-free (Web Request in, Response out); app/api/** routes call them.
 * They never log, and every answer passes through the request's redactor.
 */

/**
 * The server's environment: the shared embedded database, and Neon's API and WebSocket proxy
 * unless RLSD_NEON_API_URL / RLSD_NEON_WS_PROXY point elsewhere (a local stand-in, in tests).
 */
export function serverEnvironment(env: NodeJS.ProcessEnv = process.env): ApplyEnvironment {
  return {
    embedded: () => leaseEmbedded(),
    neon: {
      ...(env.RLSD_NEON_API_URL ? { baseURL: env.RLSD_NEON_API_URL } : {}),
      ...(env.RLSD_NEON_WS_PROXY ? { proxy: env.RLSD_NEON_WS_PROXY } : {}),
    },
  };
}

type Compiled = { ok: true; job: Omit<ApplyJob, "mode"> } | { ok: false; response: Response };

function compileRequest(body: ApplyRequestBody, redactor: Redactor): Compiled {
  const compiled = compileDesign(body.design);
  if (!compiled.ok) {
    const issues: Issue[] = compiled.problems.map((p) => ({ path: p.path ? `design.${p.path}` : "design", message: p.message }));
    return { ok: false, response: errorResponse(400, "invalid-design", "the design has problems", issues, redactor) };
  }
  return {
    ok: true,
    job: {
      model: compiled.model,
      bundle: compiled.bundle,
      design: compiled.design,
      destination: body.destination,
      confirmDestructive: body.confirmDestructive === true,
      ...(body.rehearsal ? { rehearsal: body.rehearsal } : {}),
      ...(body.dropForeignPolicies ? { dropForeignPolicies: body.dropForeignPolicies.map(({ table, name }) => ({ table, name })) } : {}),
    },
  };
}

/**
 * POST /api/plan: what applying would do, as JSON `{ ok, outcome }`, with 200 even when the
 * destination could not be read (`ok: false`, `outcome.error` says why): the request itself was
 * fine, and a browser logs any other status as an error of the page.
 */
export async function handlePlanRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, applyRequestSchema);
  if (!parsed.ok) return parsed.response;
  const compiled = compileRequest(parsed.body, parsed.redactor);
  if (!compiled.ok) return compiled.response;
  try {
    const outcome = await runApply({ ...compiled.job, mode: "plan" }, env, () => {});
    return jsonResponse(200, { ok: outcome.ok, outcome }, parsed.redactor);
  } catch (error) {
    return unexpected(error, parsed.redactor);
  }
}

/**
 * POST /api/apply: the progress as NDJSON, one ApplyEvent per line, the last one `done` with the
 * outcome. To a connected Neon branch (`destination.branchId`): without `rehearsal`, a rehearsal
 * on a new child branch (the connected branch is not changed); with the rehearsal's fingerprint,
 * the same migrations applied to the connected branch.
 */
export async function handleApplyRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, applyRequestSchema);
  if (!parsed.ok) return parsed.response;
  const compiled = compileRequest(parsed.body, parsed.redactor);
  if (!compiled.ok) return compiled.response;
  const { redactor } = parsed;
  return ndjsonResponse<ApplyEvent>(async (send) => {
    try {
      const { destination } = compiled.job;
      const rehearse = destination.kind === "neon" && destination.branchId !== undefined && compiled.job.rehearsal === undefined;
      await runApply({ ...compiled.job, mode: rehearse ? "rehearse" : "apply" }, env, (event) => send(redactor.redactDeep(event)));
    } catch (error) {
      const failure = describeFailure("done", error);
      send(redactor.redactDeep({ step: "done", status: "failed", detail: `unexpected error: ${failure.message}`, error: failure }));
    }
  });
}

/** POST /api/neon/projects `{ apiKey }`: `{ ok, projects }` for the project picker. */
export async function handleNeonProjectsRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, neonProjectsRequestSchema);
  if (!parsed.ok) return parsed.response;
  try {
    const projects = await listProjects(neonApi({ apiKey: parsed.body.apiKey, baseURL: env.neon?.baseURL }));
    return jsonResponse(200, { ok: true, projects }, parsed.redactor);
  } catch (error) {
    return neonFailure(error, parsed.redactor);
  }
}

/** POST /api/neon/branches `{ apiKey, projectId }`: `{ ok, branches }`, the default branch first. */
export async function handleNeonBranchesRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, neonBranchesRequestSchema);
  if (!parsed.ok) return parsed.response;
  try {
    const branches = await listBranches(neonApi({ apiKey: parsed.body.apiKey, baseURL: env.neon?.baseURL }), parsed.body.projectId);
    return jsonResponse(200, { ok: true, branches }, parsed.redactor);
  } catch (error) {
    return neonFailure(error, parsed.redactor);
  }
}

/** POST /api/neon/databases `{ apiKey, projectId, branchId }`: `{ ok, databases, roles }`, for the connected branch's pickers. */
export async function handleNeonDatabasesRequest(request: Request, env: ApplyEnvironment = serverEnvironment()): Promise<Response> {
  const parsed = await readRequest(request, neonDatabasesRequestSchema);
  if (!parsed.ok) return parsed.response;
  try {
    const { projectId, branchId } = parsed.body;
    const found = await listBranchDatabases(neonApi({ apiKey: parsed.body.apiKey, baseURL: env.neon?.baseURL }), projectId, branchId);
    return jsonResponse(200, { ok: true, ...found }, parsed.redactor);
  } catch (error) {
    return neonFailure(error, parsed.redactor);
  }
}

/** 200 with `ok: false`, like the plan: a refused key or an unreachable API is an answer, not a broken request. */
function neonFailure(error: unknown, redactor: Redactor): Response {
  const failure = describeFailure("connect", error);
  return jsonResponse(200, { ok: false, error: { code: failure.code ?? "neon-api", message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) } }, redactor);
}

function unexpected(error: unknown, redactor: Redactor): Response {
  return errorResponse(500, "internal", redactor.redact(`unexpected error: ${error instanceof Error ? error.message : String(error)}`));
}

/** POST /api/embedded/empty (no body): drops what bundles created in the server's embedded database. */
export async function handleEmptyEmbeddedRequest(request: Request): Promise<Response> {
  if (!isSameOrigin(request)) return errorResponse(403, "cross-origin", "requests must come from this app's own pages");
  try {
    const dropped = await emptyEmbedded();
    return jsonResponse(200, { ok: true, dropped });
  } catch (error) {
    return unexpected(error, new Redactor([]));
  }
}
