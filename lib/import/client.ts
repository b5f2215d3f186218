/** The browser's side of POST /api/import and /api/import/verify: plain fetch through lib/apply/client (the page's token), no database code. */
import { ApiRequestError, postApi, postStream } from "../apply/client";
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

/**
 * POST /api/import/verify: calls `onEvent` for each step as it happens, and resolves with the last
 * event (`done`, with the answer or the failure). A refused request is an ApiRequestError.
 */
export async function requestVerifyCurrent(body: VerifyCurrentRequestBody, onEvent: (event: VerifyCurrentEvent) => void, signal?: AbortSignal): Promise<Extract<VerifyCurrentEvent, { step: "done" }>> {
  let last: Extract<VerifyCurrentEvent, { step: "done" }> | undefined;
  await postStream<VerifyCurrentEvent>("/api/import/verify", body, (event) => {
    if (event.step === "done") last = event;
    onEvent(event);
  }, signal);
  if (!last) throw new ApiRequestError(200, { ok: false, error: { code: "interrupted", message: "the verification's answer ended before its result" } });
  return last;
}
