"use client";
import { useEffect } from "react";
import { run } from "../state/commands";
import { useAllProblems, useDesigner } from "../state/hooks";
import { Dialog } from "../ui/Dialog";
import { Button, IconButton } from "../ui/controls";
import * as act from "./actions";
import { Destination } from "./Destination";
import { Spinner } from "./FailureCard";
import { useApply } from "./hooks";
import { PlanView } from "./PlanView";
import { ProgressView } from "./ProgressView";
import { RehearsalView } from "./RehearsalView";
import { ViewAsLauncher } from "../playground/ViewAsLauncher";
import { applyLabel, currentPlan, readiness } from "./store";

/**
 * The Apply panel: destination, plan, then apply with live progress and the access matrix. A
 * modal dialog over the designer; closing it does not stop a run, and reopening shows it.
 */
export function ApplyPanel() {
  const open = useApply((s) => s.open);
  return (
    <Dialog open={open} onClose={act.closePanel} labelledBy="apply-title" className="max-h-[calc(100dvh-80px)] w-[min(880px,calc(100vw-16px))] sm:w-[min(880px,calc(100vw-48px))] max-w-none flex-col open:flex">
      <ApplyBody />
    </Dialog>
  );
}

function ApplyBody() {
  const design = useDesigner((s) => s.design);
  const problems = useAllProblems();
  const state = useApply((s) => s);
  const ready = readiness(state, design, problems.length);
  const plan = currentPlan(state, design);
  const running = state.run.state === "running";

  // The embedded database needs nothing from the user: plan it as soon as the panel shows it.
  const autoPlan = state.kind === "embedded" && plan.state === "none" && ready.canPlan && state.emptying === "idle";
  useEffect(() => {
    if (autoPlan) void act.plan();
  }, [autoPlan]);

  const planFirst = plan.state === "none" || plan.state === "failed";
  return (
    <>
      <header className="flex shrink-0 items-start justify-between gap-3 border-b border-line px-5 py-3">
        <div>
          <h1 id="apply-title" className="text-[15px] font-semibold">
            Apply <span className="font-mono text-[14px]">{design.name || "untitled"}</span> to a database
          </h1>
          <p className="text-[12px] text-muted">Plan, apply every new migration in one transaction, then prove the policies there as every kind of user.</p>
        </div>
        <IconButton icon="x" label="Close" onClick={() => run("closeApply")} className="size-7" />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain pb-2 [&>section:first-child]:border-t-0">
        <Destination />
        <PlanView />
        <ProgressView />
        <RehearsalView />
        <ViewAsLauncher />
      </div>
      <footer className="flex shrink-0 flex-wrap items-center gap-3 border-t border-line bg-subtle px-5 py-2.5">
        <p id="apply-reason" className={`min-w-0 flex-1 basis-48 text-[12px] leading-snug ${problems.length > 0 ? "text-danger" : "text-muted"}`}>
          {ready.reason}
        </p>
        <Button tone={planFirst && !running ? "primary" : "default"} icon="database" disabled={!ready.canPlan || plan.state === "planning" || running} onClick={() => run("planApply")} aria-describedby="apply-reason">
          Plan
        </Button>
        <Button tone="primary" disabled={!ready.canApply} onClick={() => run("applyNow")} aria-describedby="apply-reason" className="min-w-24">
          {running && <Spinner />}
          {applyLabel(state, design)}
        </Button>
      </footer>
    </>
  );
}
