"use client";
import { useEffect, useRef } from "react";
import type { MigrationStatus, Plan } from "@/lib/apply/client";
import { displayLocations } from "@/lib/apply/redact";
import { useDesigner } from "../state/hooks";
import { Button, Checkbox, Section } from "../ui/controls";
import { Icon } from "../ui/icons";
import { revealIn } from "../ui/scroll";
import * as act from "./actions";
import { FailureCard, Spinner } from "./FailureCard";
import { useApply } from "./hooks";
import { currentPlan } from "./store";

/**
 * Plan first: which migrations this database has not seen and what each does; what would be
 * dropped or rewritten (refused until the user says they understand); and conflicts, with a way
 * out for the embedded database.
 */
export function PlanView() {
  const design = useDesigner((s) => s.design);
  const plan = useApply((s) => currentPlan(s, design));
  const kind = useApply((s) => s.kind);
  const connected = useApply((s) => s.kind === "neon" && s.neonMode === "connected");
  const emptied = useApply((s) => s.emptied);

  return (
    <Section title="Plan" description="What this database has not seen yet, and what it will do. Planning reads the database and changes nothing.">
      <div aria-live="polite">
        {emptied && (
          <p className="mb-2 flex items-start gap-1.5 text-[12.5px]">
            <Icon name="check" className="mt-px size-4 shrink-0 text-ok" />
            <span>Emptied the embedded database{emptied.length > 0 ? ` (dropped schemas ${emptied.join(", ")})` : ""}.</span>
          </p>
        )}
        {plan.state === "none" && (
          <p className="text-[12.5px] text-muted">{kind === "embedded" ? "Not planned yet." : "Not planned yet: fill in the destination, then press Plan."}</p>
        )}
        {plan.state === "planning" && (
          <p className="flex items-center gap-2 text-[12.5px] text-muted">
            <Spinner /> Reading the database&apos;s migration ledger…
          </p>
        )}
        {plan.state === "failed" && <FailureCard error={plan.error} title="The plan failed" />}
        {plan.state === "planned" && plan.outcome.plan && (
          <PlanDetails plan={plan.outcome.plan} parent={kind === "neon" && !connected ? plan.outcome.branch?.branchName : undefined} connected={connected ? (plan.outcome.branch?.branchName ?? "the branch") : undefined} />
        )}
      </div>
    </Section>
  );
}

function PlanDetails({ plan, parent, connected }: { plan: Plan; parent?: string; connected?: string }) {
  const total = plan.migrations.length;
  const nothing = plan.conflicts.length === 0 && plan.pending.length === 0;
  return (
    <div className="space-y-2.5">
      <p className="flex items-start gap-1.5 text-[12.5px]">
        {plan.conflicts.length > 0 ? (
          <Icon name="alert" className="mt-px size-4 shrink-0 text-danger" />
        ) : nothing ? (
          <Icon name="check" className="mt-px size-4 shrink-0 text-ok" />
        ) : (
          <Icon name="database" className="mt-px size-4 shrink-0 text-accent-text" />
        )}
        <span>
          <span className="font-medium">
            {plan.conflicts.length > 0
              ? "Another version of this design is applied here"
              : nothing
                ? `Nothing to apply: all ${total} migrations are already applied`
                : `${plan.pending.length} of ${total} migration${total === 1 ? "" : "s"} to apply`}
          </span>
          <span className="block font-mono text-[11.5px] break-all text-muted">
            {displayLocations(plan.location)}
            {parent && <span className="font-sans"> · a new branch starts from {parent}</span>}
            {connected && <span className="font-sans"> · connected branch {connected}</span>}
          </span>
        </span>
      </p>

      {connected && <Holds plan={plan} branch={connected} />}
      {plan.version && <p className="text-[12px] text-muted">{plan.version}</p>}
      {(plan.access?.length ?? 0) > 0 && (
        <div className="text-[12px]">
          <p className="font-medium">What the change does to access</p>
          <ul className="mt-0.5 list-disc space-y-0.5 pl-5" aria-label="What the change does to access">
            {plan.access!.map((a, i) => (
              <li key={i}>{a}</li>
            ))}
          </ul>
        </div>
      )}

      {nothing ? (
        <details className="text-[12px]">
          <summary className="w-fit cursor-pointer text-muted hover:text-fg">Show the {total} migrations</summary>
          <MigrationsTable plan={plan} />
        </details>
      ) : (
        <MigrationsTable plan={plan} />
      )}

      {(plan.foreignPolicies?.length ?? 0) > 0 && <ForeignPolicies policies={plan.foreignPolicies!} />}
      {(plan.destructive.length > 0 || (plan.widens?.length ?? 0) > 0) && <Destructive plan={plan} />}
      {plan.conflicts.length > 0 && <Conflicts plan={plan} />}
      {plan.conflicts.length === 0 && plan.migrations.some((m) => m.status === "applied") && <StartOver />}
    </div>
  );
}

/** Which version of this design the connected branch holds, from its own record, and whether it is the one on screen. */
function Holds({ plan, branch }: { plan: Plan; branch: string }) {
  const held = plan.held;
  const text = !held
    ? plan.migrations.some((m) => m.status !== "pending")
      ? `${branch} holds migrations without RLS Designer's record of them.`
      : `${branch} holds no version of this design yet.`
    : held.matches
      ? `${branch} holds version ${held.version} of this design: the design on screen.`
      : `${branch} holds version ${held.version} of this design, not the design on screen.`;
  return (
    <p data-testid="branch-holds" className={`flex items-start gap-1.5 text-[12.5px] ${held?.matches ? "" : "text-fg"}`}>
      <Icon name={held?.matches ? "check" : "info"} className={`mt-px size-4 shrink-0 ${held?.matches ? "text-ok" : "text-muted"}`} />
      <span>{text}</span>
    </p>
  );
}

/** The embedded database holds an applied design: it may still be emptied, to start afresh. */
function StartOver() {
  const kind = useApply((s) => s.kind);
  if (kind !== "embedded") return null;
  return (
    <div className="text-[12px]">
      <EmptyEmbedded />
    </div>
  );
}

function MigrationsTable({ plan }: { plan: Plan }) {
  return (
    <table className="w-full border-collapse text-[12px]">
      <caption className="sr-only">Migrations</caption>
      <thead>
        <tr className="border-b border-line text-left text-[11px] text-muted">
          <th scope="col" className="py-1 pr-3 font-medium">
            Migration
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Status
          </th>
          <th scope="col" className="py-1 font-medium">
            What it does
          </th>
        </tr>
      </thead>
      <tbody>
        {plan.migrations.map((m) => (
          <tr key={m.tag} className="border-b border-line/60 align-top last:border-0">
            <td className="py-1 pr-3 font-mono text-[11.5px] whitespace-nowrap">{m.tag}</td>
            <td className="py-1 pr-3 whitespace-nowrap">
              <StatusBadge status={m.status} />
            </td>
            <td className={`py-1 ${m.status === "pending" ? "" : "text-muted"}`}>
              {m.destructive.length > 0 && m.status === "pending" ? <span className="text-danger">{m.summary}</span> : m.summary}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATUS: Record<MigrationStatus, { label: string; className: string; title: string }> = {
  pending: { label: "to apply", className: "bg-accent-soft text-accent-text", title: "Not in this database's ledger: Apply now runs it" },
  applied: { label: "applied", className: "bg-ok-soft text-ok", title: "Already applied, with the same SQL" },
  changed: { label: "changed", className: "bg-danger-soft text-danger", title: "Applied from another version of this design: the SQL differs" },
  unrecorded: { label: "skipped", className: "bg-warn-soft text-warn", title: "Not in the ledger, yet the ledger holds later migrations: it would be skipped" },
};

function StatusBadge({ status }: { status: MigrationStatus }) {
  const s = STATUS[status];
  return (
    <span title={s.title} className={`inline-block rounded px-1.5 py-px text-[11px] font-medium ${s.className}`}>
      {s.label}
    </span>
  );
}

/** What needs an explicit yes: data dropped or rewritten, and access the change newly allows. */
function Destructive({ plan }: { plan: Plan }) {
  const confirmed = useApply((s) => s.confirmDestructive);
  const running = useApply((s) => s.run.state === "running");
  const widens = plan.widens ?? [];
  const drops = plan.destructive.length > 0;
  const understood = drops && widens.length ? "I understand this drops or rewrites data and widens access" : drops ? "I understand this drops or rewrites data" : "I understand this widens access";
  return (
    <div className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-[12px]">
      {widens.length > 0 && (
        <>
          <p className="flex items-center gap-1.5 font-medium text-danger">
            <Icon name="alert" className="size-4 shrink-0" />
            This change widens access
          </p>
          <ul className="mt-1 mb-2 list-disc space-y-0.5 pl-5" aria-label="Access the change newly allows">
            {widens.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </>
      )}
      {drops && (
        <p className="flex items-center gap-1.5 font-medium text-danger">
          <Icon name="alert" className="size-4 shrink-0" />
          This plan drops or rewrites data
        </p>
      )}
      <ul className="mt-1 space-y-1">
        {plan.destructive.map((d, i) => (
          <li key={i}>
            <span className="font-medium">
              {d.kind} {d.target}
            </span>{" "}
            <span className="text-muted">
              ({d.file}, statement {d.statement})
            </span>
            <code className="mt-0.5 block font-mono text-[11px] break-all whitespace-pre-wrap text-muted">{d.text}</code>
          </li>
        ))}
      </ul>
      <Checkbox
        label={understood}
        visibleLabel={understood}
        checked={confirmed}
        disabled={running}
        onValue={act.setConfirmDestructive}
        className="mt-2 font-medium"
      />
    </div>
  );
}

/**
 * Spec §5: the policies on adopted tables that the design does not produce. Kept unless the user
 * ticks the box, which sends this very list with the apply; the server drops them only if it
 * finds exactly these, and refuses otherwise.
 */
function ForeignPolicies({ policies }: { policies: NonNullable<Plan["foreignPolicies"]> }) {
  const ticked = useApply((s) => s.dropForeign);
  const running = useApply((s) => s.run.state === "running");
  const n = policies.length;
  const these = n === 1 ? "this policy" : `these ${n} policies`;
  const label = `Drop ${these} the design does not produce`;
  // `dropped`: the plan came from the run (an apply, or a rehearsal on its child branch) that dropped it.
  const status = (dropped: boolean) => (dropped ? "dropped" : ticked ? "to drop" : "kept");
  return (
    <div role="group" aria-labelledby="foreign-policies-title" className="rounded-md border border-warn/40 bg-warn-soft px-3 py-2 text-[12px]">
      <p id="foreign-policies-title" className="flex items-center gap-1.5 font-medium">
        <Icon name="alert" className="size-4 shrink-0 text-warn" />
        {n === 1 ? "1 policy on an adopted table that the design does not produce" : `${n} policies on adopted tables that the design does not produce`}
      </p>
      <p className="mt-0.5 text-muted">
        They were there before the design and stay unless you drop them. A permissive one is ORed with the design&apos;s policies: it widens what the design allows, and
        verify reports the rows it lets through as mismatches. A restrictive one narrows it.
      </p>
      <table className="mt-1.5 w-full border-collapse">
        <caption className="sr-only">Policies the design does not produce</caption>
        <thead>
          <tr className="border-b border-line text-left text-[11px] text-muted">
            <th scope="col" className="py-1 pr-3 font-medium">
              Table
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Policy
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Definition, as PostgreSQL prints it
            </th>
            <th scope="col" className="py-1 font-medium">
              Status
            </th>
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <tr key={`${p.table}\u0000${p.name}`} className="border-b border-line/60 align-top last:border-0">
              <td className="py-1 pr-3 font-mono text-[11.5px] whitespace-nowrap">{p.table}</td>
              <td className="py-1 pr-3 font-mono text-[11.5px] break-all">{p.name}</td>
              <td className="py-1 pr-3">
                <code className="block font-mono text-[11px] break-all whitespace-pre-wrap">{p.definition}</code>
                <span className="text-muted">{whyItMatters(p.definition)}</span>
              </td>
              <td className={`py-1 whitespace-nowrap ${p.dropped || ticked ? "font-medium text-danger" : "text-muted"}`}>{status(p.dropped)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Checkbox label={label} visibleLabel={label} checked={ticked} disabled={running} onValue={act.setDropForeign} className="mt-2 font-medium" />
      <p className="mt-0.5 text-muted">
        {ticked
          ? "Apply drops exactly these, in the same transaction as the migrations; if the database holds others by then, nothing is changed."
          : "Unticked, Apply keeps them."}
      </p>
    </div>
  );
}

function whyItMatters(definition: string): string {
  if (/^RESTRICTIVE\b/.test(definition)) return "Restrictive: narrows what the design allows; verify reports the rows it refuses.";
  return "Permissive: widens what the design allows; verify reports the rows it lets through.";
}

function Conflicts({ plan }: { plan: Plan }) {
  const kind = useApply((s) => s.kind);
  return (
    <div className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-[12px]">
      <ul className="space-y-1">
        {plan.conflicts.map((c, i) => (
          <li key={i} className="text-fg">
            {c}
          </li>
        ))}
      </ul>
      {kind === "embedded" && (
        <div className="mt-2">
          <EmptyEmbedded />
        </div>
      )}
    </div>
  );
}

/** "Empty the embedded database", asked twice: it drops every schema in it. */
function EmptyEmbedded() {
  const emptying = useApply((s) => s.emptying);
  const emptyError = useApply((s) => s.emptyError);
  const running = useApply((s) => s.run.state === "running");
  const confirm = useRef<HTMLDivElement>(null);
  const emptyButton = useRef<HTMLButtonElement>(null);
  const asked = emptying !== "idle";
  const wasAsked = useRef(asked);
  // Asking moves focus to Cancel (the safe answer) and brings the question into view; answering "no" returns it.
  useEffect(() => {
    if (asked) {
      revealIn(confirm.current);
      confirm.current?.querySelector<HTMLButtonElement>("button[data-cancel]")?.focus();
    } else if (wasAsked.current) emptyButton.current?.focus();
    wasAsked.current = asked;
  }, [asked]);
  return emptying === "idle" ? (
    <Button ref={emptyButton} icon="trash" onClick={act.askToEmpty} disabled={running}>
      Empty the embedded database
    </Button>
  ) : (
    <div ref={confirm} role="group" aria-label="Confirm emptying the embedded database" className="rounded-md border border-line bg-panel px-3 py-2">
      <p className="font-medium">Empty the embedded database?</p>
      <p className="mt-0.5 text-muted">This drops every schema in it (tables, rows, functions, the migration ledger). It cannot be undone; your design is not touched.</p>
      <div className="mt-2 flex gap-1.5">
        <Button tone="destructive" onClick={() => void act.emptyEmbedded()} disabled={emptying === "busy"}>
          {emptying === "busy" ? (
            <>
              <Spinner /> Emptying…
            </>
          ) : (
            "Yes, empty it"
          )}
        </Button>
        <Button onClick={act.cancelEmpty} disabled={emptying === "busy"} data-cancel>
          Cancel
        </Button>
      </div>
      {emptyError && <p className="mt-1.5 text-danger">{emptyError}</p>}
    </div>
  );
}
