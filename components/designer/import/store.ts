import { createStore } from "zustand/vanilla";
import type { ImportAnswer, SourceFailure, VerifyCurrentAnswer } from "@/lib/import/client";
import type { Load } from "../apply/store";
import type { BranchDatabases } from "@/lib/apply/client";
import type { LintAnswer } from "@/lib/lint/client";
import type { Issue } from "@/lib/apply/client";

/**
 * "Import from database / SQL" and "Check database": which dialog is open, where the tables come
 * from, and the last answer of each. Beside the designer's store, never in the design: nothing
 * here is autosaved, exported or shared. The connection string is the Apply panel's own (its
 * store, its "remember on this device"), so it is typed once and held in one place.
 */

export type SourceKind = "embedded" | "postgres" | "neon" | "sql";

/** What went wrong, in the shape the dialogs show: the field, the cause, the fix. */
export interface Problem {
  readonly field?: SourceFailure["field"];
  readonly message: string;
  readonly fix?: string;
  readonly issues?: readonly Issue[];
}

/** "Verify current policies": its progress while it runs (the server's last line), then the answer. */
export type Verified =
  | { readonly state: "idle" }
  | { readonly state: "busy"; readonly detail: string; readonly index?: number; readonly total?: number }
  | { readonly state: "done"; readonly value: VerifyCurrentAnswer; readonly against: VerifyAgainst }
  | { readonly state: "failed"; readonly problem: Problem };

/** Which design the current policies are held to: the one just read, or the one open in the designer (edited since). */
export type VerifyAgainst = "imported" | "open";

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
  /**
   * A Neon branch: the key and project are the Apply panel's (its store, its "remember"); the
   * branch, database and role are the import's own ("" = the project's default branch, `neondb`
   * or the first database, its owner), so picking one here never changes what Apply connects.
   */
  readonly neonBranchId: string;
  readonly neonDatabases: Load<BranchDatabases>;
  /** The project and branch (`<project> <branch>`) the databases were listed for. */
  readonly neonDatabasesFor: string;
  readonly neonDatabase: string;
  readonly neonRole: string;
  readonly imported: Answer<ImportAnswer>;
  readonly checked: Answer<LintAnswer>;
  readonly verified: Verified;
  readonly verifyAgainst: VerifyAgainst;
}

export function initialAdoptState(): AdoptState {
  return {
    dialog: null,
    kind: "sql",
    sqlText: "",
    fileName: "",
    schema: "public",
    neonBranchId: "",
    neonDatabases: { state: "idle" },
    neonDatabasesFor: "",
    neonDatabase: "",
    neonRole: "",
    imported: { state: "idle" },
    checked: { state: "idle" },
    verified: { state: "idle" },
    verifyAgainst: "imported",
  };
}

export const adoptStore = createStore<AdoptState>()(() => initialAdoptState());
