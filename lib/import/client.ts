/** The browser's side of POST /api/import and /api/import/verify: plain fetch through lib/apply/client (the page's token), no database code. */
import { API_TOKEN_HEADER, API_TOKEN_PATH, ApiRequestError, postApi } from "../apply/client";
import type { ImportAnswer, ImportRequestBody, SourceFailure } from "./server";
import type { VerifyCurrentEvent, VerifyCurrentRequestBody } from "./verify-server";

export type { ImportAnswer, ImportRequestBody, ImportSource, ImportedTable, SourceFailure, SourceField } from "./server";
export type { ImportWarning } from "./propose";
export type { VerifyCurrentAnswer, VerifyCurrentEvent, VerifyCurrentRequestBody, VerifyFailure } from "./verify-server";
export { changesFromCurrent, outcomeOf, todayOf, withDesignOf, type CurrentChange, type Outcome } from "./current-changes";

export type ImportReply = ImportAnswer | { readonly ok: false; readonly error: SourceFailure };

export function requestImport(body: ImportRequestBody, signal?: AbortSignal): Promise<ImportReply> {
  return postApi<ImportReply>("/api/import", body, signal);
}

async function failure(response: Response): Promise<ApiRequestError> {
  const body = await response.json().catch(() => ({ ok: false as const, error: { code: "http", message: `HTTP ${response.status}` } }));
  return new ApiRequestError(response.status, body);
}

/**
 * POST /api/import/verify: calls `onEvent` for each step as it happens, and resolves with the last
 * event (`done`, with the answer or the failure). A refused request is an ApiRequestError.
 */
export async function requestVerifyCurrent(body: VerifyCurrentRequestBody, onEvent: (event: VerifyCurrentEvent) => void, signal?: AbortSignal): Promise<Extract<VerifyCurrentEvent, { step: "done" }>> {
  const tokenResponse = await fetch(API_TOKEN_PATH, { method: "GET", cache: "no-store", credentials: "same-origin", signal });
  if (tokenResponse.status !== 200) throw await failure(tokenResponse);
  const { token } = (await tokenResponse.json()) as { token: string };
  const response = await fetch("/api/import/verify", { method: "POST", headers: { "content-type": "application/json", [API_TOKEN_HEADER]: token }, body: JSON.stringify(body), signal });
  if (response.status !== 200 || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let last: Extract<VerifyCurrentEvent, { step: "done" }> | undefined;
  const take = (line: string) => {
    if (line.trim() === "") return;
    const event = JSON.parse(line) as VerifyCurrentEvent;
    if (event.step === "done") last = event;
    onEvent(event);
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
  if (!last) throw new ApiRequestError(200, { ok: false, error: { code: "interrupted", message: "the verification's answer ended before its result" } });
  return last;
}
