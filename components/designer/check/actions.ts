import { requestLint, type DesignFix } from "@/lib/lint/client";
import { run } from "../state/commands";
import { notify } from "../state/store";
import { saveFile } from "../state/browser";
import { problemOf, schemaOf, sourceOf } from "../import/actions";
import { adoptStore } from "../import/store";

/** What "Check database" does: lint the named source through the app's server, download SARIF, apply a finding's design fix. */

const get = () => adoptStore.getState();

export async function check(): Promise<void> {
  const s = get();
  const source = sourceOf(s);
  if (!source.ok) return adoptStore.setState({ checked: { state: "failed", problem: source.problem } });
  const schema = schemaOf(s);
  if (!schema.ok) return adoptStore.setState({ checked: { state: "failed", problem: schema.problem } });
  adoptStore.setState({ checked: { state: "busy" } });
  try {
    const reply = await requestLint({ source: source.source, schema: schema.schema });
    // A changed form made the answer stale: setKind/setSql/setSchema reset it to idle meanwhile.
    if (get().checked.state !== "busy") return;
    adoptStore.setState({ checked: reply.ok ? { state: "done", value: reply } : { state: "failed", problem: reply.error } });
  } catch (error) {
    if (get().checked.state === "busy") adoptStore.setState({ checked: { state: "failed", problem: problemOf(error) } });
  }
}

export function downloadSarif(): void {
  const checked = get().checked;
  if (checked.state !== "done") return;
  saveFile("rls-lint.sarif", `${JSON.stringify(checked.value.sarif, null, 2)}\n`, "application/sarif+json");
}

/** A finding's one-click fix, through the designer's command (one undo step like any edit). */
export function applyFix(fix: Extract<DesignFix, { kind: "command" }>): void {
  const done =
    fix.command === "setForceRowLevelSecurity" ? run(fix.command, fix.args) : fix.command === "setParentFirewall" ? run(fix.command, fix.args) : run(fix.command, fix.args);
  if (done) notify(`${fix.label}: done (undo with Ctrl+Z)`);
}
