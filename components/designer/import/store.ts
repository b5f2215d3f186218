import { createStore } from "zustand/vanilla";
import type { ImportAnswer, SourceFailure } from "@/lib/import/client";
import type { LintAnswer } from "@/lib/lint/client";
import type { Issue } from "@/lib/apply/client";

/**
 * "Import from database / SQL" and "Check database": which dialog is open, where the tables come
 * from, and the last answer of each. Beside the designer's store, never in the design: nothing
 * here is autosaved, exported or shared. The connection string is the Apply panel's own (its
 * store, its "remember on this device"), so it is typed once and held in one place.
 */

export type SourceKind = "embedded" | "postgres" | "sql";

/** What went wrong, in the shape the dialogs show: the field, the cause, the fix. */
export interface Problem {
  readonly field?: SourceFailure["field"];
  readonly message: string;
  readonly fix?: string;
  readonly issues?: readonly Issue[];
}

export type Answer<T> =
  | { readonly state: "idle" }
  | { readonly state: "busy" }
  | { readonly state: "done"; readonly value: T }
  | { readonly state: "failed"; readonly problem: Problem };

export interface AdoptState {
  readonly dialog: "import" | "check" | null;
  readonly kind: SourceKind;
  readonly sqlText: string;
  /** The chosen file's name (several migrations: the first and a count), for messages. */
  readonly fileName: string;
  readonly schema: string;
  readonly imported: Answer<ImportAnswer>;
  readonly checked: Answer<LintAnswer>;
}

export function initialAdoptState(): AdoptState {
  return { dialog: null, kind: "sql", sqlText: "", fileName: "", schema: "public", imported: { state: "idle" }, checked: { state: "idle" } };
}

export const adoptStore = createStore<AdoptState>()(() => initialAdoptState());
