"use client";
import { useDesigner } from "../state/hooks";
import { Icon } from "../ui/icons";
import { useApply } from "./hooks";
import { connectedBranchName, currentRehearsal } from "./store";

/**
 * After a rehearsal on a child of the connected branch: what it proved, and that the branch
 * itself has not changed yet. "Apply to <branch>" (the panel's footer) applies the same
 * migrations there; a failed rehearsal says the branch was left as it was.
 */
export function RehearsalView() {
  const design = useDesigner((s) => s.design);
  const run = useApply((s) => s.run);
  const passed = useApply((s) => currentRehearsal(s, design));
  const branch = useApply(connectedBranchName);
  if (run.state !== "finished" || run.outcome.mode !== "rehearse") return null;
  const { outcome } = run;
  const child = outcome.rehearsal?.branch.branchName;
  const kept = outcome.rehearsal?.kept ? (outcome.rehearsal.deleteError ? `kept: it could not be deleted (${outcome.rehearsal.deleteError}); delete it in the Neon Console` : "kept, as asked") : "deleted";
  const n = outcome.applied.length;
  return (
    <section aria-labelledby="apply-rehearsal-title" className="border-t border-line px-5 py-4">
      <h2 id="apply-rehearsal-title" className="mb-2 text-[12px] font-semibold tracking-wide text-fg uppercase">
        Rehearsal
      </h2>
      <div role="status" className={`rounded-md border px-3 py-2 text-[12.5px] ${outcome.ok ? "border-ok/40 bg-ok-soft" : "border-danger/40 bg-danger-soft"}`}>
        <p className="flex items-start gap-1.5 font-medium">
          <Icon name={outcome.ok ? "check" : "alert"} className={`mt-px size-4 shrink-0 ${outcome.ok ? "text-ok" : "text-danger"}`} />
          {outcome.ok
            ? `The rehearsal passed: ${n === 0 ? "nothing to apply" : `${n} migration${n === 1 ? "" : "s"} applied`} and verified on a child branch of ${branch}. ${branch} has not changed.`
            : `The rehearsal failed: ${branch} was not changed.`}
        </p>
        {child && (
          <p className="mt-1 ml-5.5 text-muted">
            Child branch <span className="font-mono text-fg">{child}</span>: {kept}.
          </p>
        )}
        {outcome.ok && passed && <p className="mt-1 ml-5.5">Read the plan, what the change does to access and the access matrix; then Apply to {branch} applies the same migrations there and verifies again.</p>}
      </div>
    </section>
  );
}
