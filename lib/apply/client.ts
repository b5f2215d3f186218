/**
 * The browser's side of the Apply API: plain fetch, no database code. Import from here (not from
 * lib/apply's index, which is server-only) in client components.
 */
import type { BranchChoice, BranchDatabases, ProjectChoice } from "../neon/list";
import type { ErrorBody } from "./http";
import type { ApplyRequestBody } from "./request";
import type { ApplyEvent, ApplyOutcome } from "./types";

export type { ApplyEvent, ApplyMode, ApplyOutcome, Destination, Rehearsal, StepName, StepStatus } from "./types";
export type { ApplyFailure } from "./errors";
export type { Plan, PlannedMigration, MigrationStatus } from "./plan";
export type { DestructiveChange } from "./analyse";
export type { ApplyRequestBody } from "./request";
export type { ErrorBody, Issue } from "./http";
export type { BranchChoice, BranchDatabases, ProjectChoice } from "../neon/list";

/** A request the API refused (400, 403, 413, 415) or could not carry out (401, 500, 502). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | { ok: false; error: { code: string; message: string; fix?: string } },
  ) {
    super(body.error.message);
    this.name = "ApiRequestError";
  }
}

/** The header every API request carries the page's token in (see lib/apply/guard.ts). */
export const API_TOKEN_HEADER = "x-rlsd-page-token";
/** Where the page fetches its token: GET, same origin only. */
export const API_TOKEN_PATH = "/api/token";

let token: Promise<string> | undefined;

/** The server's page token, fetched once and then reused; a failed fetch is tried afresh next time. */
function pageToken(): Promise<string> {
  if (token) return token;
  const fetched = fetch(API_TOKEN_PATH, { method: "GET", cache: "no-store", credentials: "same-origin" }).then(async (response) => {
    if (response.status !== 200) throw await failure(response);
    return ((await response.json()) as { token: string }).token;
  });
  token = fetched;
  fetched.catch(() => {
    if (token === fetched) token = undefined;
  });
  return fetched;
}

/**
 * A JSON POST with the page's token. A server restarted since the token was fetched (a new
 * process has a new one) refuses it before doing anything, so the request is sent once more
 * with a fresh token.
 */
async function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const send = async () =>
    fetch(path, { method: "POST", headers: { "content-type": "application/json", [API_TOKEN_HEADER]: await pageToken() }, body: JSON.stringify(body), signal });
  const response = await send();
  if (response.status !== 403 || !(await isTokenRefusal(response))) return response;
  token = undefined;
  return send();
}

async function isTokenRefusal(response: Response): Promise<boolean> {
  const body = (await response.clone().json().catch(() => null)) as ErrorBody | null;
  return body?.error?.code === "invalid-token";
}

async function failure(response: Response): Promise<ApiRequestError> {
  const body = await response.json().catch(() => ({ ok: false as const, error: { code: "http", message: `HTTP ${response.status}` } }));
  return new ApiRequestError(response.status, body);
}

/** The body of a 200 answer with `ok: true`; anything else becomes an ApiRequestError. */
async function okBody<T>(response: Response): Promise<T> {
  if (response.status !== 200) throw await failure(response);
  const body = (await response.json()) as { ok: boolean } & T;
  if (!body.ok) throw new ApiRequestError(200, body as unknown as ConstructorParameters<typeof ApiRequestError>[1]);
  return body;
}

/** POST /api/plan. Resolves with the outcome (ok false when the destination could not be read). */
export async function requestPlan(body: ApplyRequestBody, signal?: AbortSignal): Promise<ApplyOutcome> {
  const response = await post("/api/plan", body, signal);
  if (response.status !== 200) throw await failure(response);
  return ((await response.json()) as { outcome: ApplyOutcome }).outcome;
}

/** POST /api/apply. Calls `onEvent` for each step as it happens; resolves with the final outcome. */
export async function requestApply(body: ApplyRequestBody, onEvent: (event: ApplyEvent) => void, signal?: AbortSignal): Promise<ApplyOutcome> {
  let outcome: ApplyOutcome | undefined;
  await postStream<ApplyEvent>("/api/apply", body, (event) => {
    if (event.step === "done" && event.outcome) outcome = event.outcome;
    onEvent(event);
  }, signal);
  if (!outcome) throw new ApiRequestError(200, { ok: false, error: { code: "interrupted", message: "the apply stream ended before its outcome" } });
  return outcome;
}

/**
 * A JSON POST with the page's token whose answer is NDJSON (one event per line, as the server's
 * ndjsonResponse writes it): calls `onEvent` for each line as it arrives. A refused request is an
 * ApiRequestError.
 */
export async function postStream<E>(path: string, body: unknown, onEvent: (event: E) => void, signal?: AbortSignal): Promise<void> {
  const response = await post(path, body, signal);
  if (response.status !== 200 || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const take = (line: string) => {
    if (line.trim() !== "") onEvent(JSON.parse(line) as E);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    lines.forEach(take);
  }
  take(buffered);
}

/** POST /api/neon/projects: the key's projects, for a picker. */
export async function requestNeonProjects(apiKey: string, signal?: AbortSignal): Promise<ProjectChoice[]> {
  const response = await post("/api/neon/projects", { apiKey }, signal);
  return (await okBody<{ projects: ProjectChoice[] }>(response)).projects;
}

/** POST /api/neon/branches: the project's branches, the default one first. */
export async function requestNeonBranches(apiKey: string, projectId: string, signal?: AbortSignal): Promise<BranchChoice[]> {
  const response = await post("/api/neon/branches", { apiKey, projectId }, signal);
  return (await okBody<{ branches: BranchChoice[] }>(response)).branches;
}

/** POST /api/neon/databases: a branch's databases (with their owners) and roles. */
export async function requestNeonDatabases(apiKey: string, projectId: string, branchId: string, signal?: AbortSignal): Promise<BranchDatabases> {
  const response = await post("/api/neon/databases", { apiKey, projectId, branchId }, signal);
  const { databases, roles } = await okBody<BranchDatabases>(response);
  return { databases, roles };
}

/** POST /api/embedded/empty: drops what designs created in the server's embedded database; resolves with the schemas dropped. */
export async function requestEmptyEmbedded(signal?: AbortSignal): Promise<string[]> {
  const response = await post("/api/embedded/empty", {}, signal);
  if (response.status !== 200) throw await failure(response);
  return ((await response.json()) as { dropped: string[] }).dropped;
}

/** POST /api/explain: one cell of the access matrix explained row by row, on the destination. */
export async function requestExplain(body: import("./explain").ExplainRequestBody, signal?: AbortSignal): Promise<import("./explain").ExplainReport> {
  return (await okBody<{ explanation: import("./explain").ExplainReport }>(await post("/api/explain", body, signal))).explanation;
}

/**
 * POST to another of the app's API routes (import, lint) with the page's token: the 200 answer's
 * body, `ok` true or false; any other status becomes an ApiRequestError.
 */
export async function postApi<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const response = await post(path, body, signal);
  if (response.status !== 200) throw await failure(response);
  return (await response.json()) as T;
}
