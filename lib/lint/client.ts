/** The browser's side of POST /api/lint: plain fetch through lib/apply/client (the page's token), no database code. */
import { postApi } from "../apply/client";
import type { SourceFailure } from "../import/server";
import type { LintAnswer, LintRequestBody } from "./server";

export type { LintAnswer, LintRequestBody } from "./server";
export type { Finding, RuleId } from "./checks";
export { designFixFor, type DesignFix } from "./design-fixes";

export type LintReply = LintAnswer | { readonly ok: false; readonly error: SourceFailure };

export function requestLint(body: LintRequestBody, signal?: AbortSignal): Promise<LintReply> {
  return postApi<LintReply>("/api/lint", body, signal);
}
