/** The browser's side of POST /api/import: plain fetch through lib/apply/client (the page's token), no database code. */
import { postApi } from "../apply/client";
import type { ImportAnswer, ImportRequestBody, SourceFailure } from "./server";

export type { ImportAnswer, ImportRequestBody, ImportSource, ImportedTable, SourceFailure, SourceField } from "./server";
export type { ImportWarning } from "./propose";

export type ImportReply = ImportAnswer | { readonly ok: false; readonly error: SourceFailure };

export function requestImport(body: ImportRequestBody, signal?: AbortSignal): Promise<ImportReply> {
  return postApi<ImportReply>("/api/import", body, signal);
}
