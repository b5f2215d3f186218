import type { Design } from "../design";
import type { Finding } from "./checks";
import { tableName } from "./names";

/**
 * What a finding means for the design open in the designer: a change the user can accept in one
 * click (through a designer command, so Undo takes it back), or a sentence saying what the
 * design already does about it. Pure, and safe for the browser (no database code).
 */
export type DesignFix =
  /** One click: the designer command and its arguments. */
  | { readonly kind: "command"; readonly label: string; readonly command: "setForceRowLevelSecurity"; readonly args: { readonly force: true } }
  /** Nothing to change in the design: what to do instead. */
  | { readonly kind: "note"; readonly text: string };

/** The design's table a finding names (`public.todos`), if the finding is about one of them. */
function designTableOf(finding: Finding, design: Design, schema: string): string | undefined {
  return design.tables.find((t) => finding.object === tableName(schema, t))?.name;
}

export function designFixFor(finding: Finding, design: Design, schema = "public"): DesignFix | null {
  const table = designTableOf(finding, design, schema);
  switch (finding.rule) {
    case "rls_not_forced_for_owner":
      if (!table) return null;
      return design.forceRowLevelSecurity
        ? { kind: "note", text: `The design already forces row-level security: apply it to this database to fix ${finding.object}.` }
        : { kind: "command", label: "Force row-level security in the design", command: "setForceRowLevelSecurity", args: { force: true } };
    case "rls_disabled_in_exposed":
    case "policy_exists_rls_disabled":
      return table
        ? { kind: "note", text: `The design has ${table} and enables row-level security on it: apply the design to this database to fix it.` }
        : { kind: "note", text: `${finding.object} is not in the open design: import this database ("Import from database") to design its policies.` };
    default:
      return null;
  }
}
