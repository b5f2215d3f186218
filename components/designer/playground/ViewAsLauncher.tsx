"use client";
import { useState } from "react";
import { useApply } from "../apply/hooks";
import { Button } from "../ui/controls";
import { ViewAs } from "./ViewAs";

/**
 * The one way into the playground: after a run on the embedded database, "View as…" opens it
 * under the results, for the design that was applied. Never for another destination.
 */
export function ViewAsLauncher() {
  const run = useApply((s) => s.run);
  const [open, setOpen] = useState(false);
  if (run.state !== "finished" || run.kind !== "embedded" || !run.outcome.ok) return null;
  return open ? (
    <ViewAs design={run.design} />
  ) : (
    <section className="border-t border-line px-5 py-3">
      <Button icon="info" onClick={() => setOpen(true)}>
        View as…
      </Button>
      <span className="ml-2 text-[12px] text-muted">See the sample rows as one principal and run statements as it, rolled back.</span>
    </section>
  );
}
