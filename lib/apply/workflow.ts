import { compileNextVersion, readRecord, VersionError, type Bundle } from "../compiler";
import { APPLY_LOCK_KEY, applyWithin, openDatabase, readStoredBundle, redactUrl, storeBundle, type ApplyResult, type Database, type Session } from "../db";
import { validateDesign, type Design, type Model } from "../design";
import { connectionForBranch, createBranchWithEndpoint, defaultBranchName, neonApi, type BranchConnection } from "../neon";
import { accessChanges, formatReport, verifyBundle } from "../verify";
import { dropForeignPolicySql, foreignPolicies } from "./foreign-policies";
import { describeFailure, type ApplyFailure } from "./errors";
import { planFor, planHeadline, type Plan } from "./plan";
import { Redactor } from "./redact";
import type { ApplyEvent, ApplyOutcome, Destination, StepName } from "./types";

/** A database to use for one run, and how to give it back (close it, or let the next run have it). */
export interface Lease {
  readonly db: Database;
  release(): Promise<void>;
}

export interface ApplyJob {
  readonly model: Model;
  readonly bundle: Bundle;
  readonly destination: Destination;
  /** `plan`: only read the ledger and say what applying would do. */
  readonly mode: "plan" | "apply";
  /** Apply even when the plan drops or rewrites data. */
  readonly confirmDestructive?: boolean;
  /** Roles the application connects as, which verify warns about when the policies do not hold them. */
  readonly appRoles?: readonly string[];
  /**
   * The design the bundle was compiled from. With it, a database that holds an earlier version
   * (as `apply` recorded it there) gets just the change, compiled against that version.
   */
  readonly design?: Design;
  /** Spec §5: drop the policies on adopted tables that the design does not produce (they are listed in the plan either way). */
  readonly dropForeignPolicies?: boolean;
}

export interface ApplyEnvironment {
  /** The embedded database (the command line opens .data/pglite; the server shares one instance). */
  embedded(): Promise<Lease>;
  neon?: {
    /** The Neon API's root; Neon's own unless given. */
    baseURL?: string;
    /** A WebSocket proxy for the serverless driver (see lib/db's NeonSocketOptions); Neon's own unless given. */
    proxy?: string;
    pollIntervalMs?: number;
    timeoutMs?: number;
  };
  now?: () => Date;
}

/** Thrown inside the apply transaction to stop before any change, with what to tell the user. */
class Refusal extends Error {
  constructor(readonly failure: ApplyFailure) {
    super(failure.message);
  }
}

/** The secrets a destination carries, ready to hide wherever they might show. */
export function redactorFor(destination: Destination): Redactor {
  return new Redactor(destination.kind === "postgres" ? [destination.url] : destination.kind === "neon" ? [destination.apiKey] : []);
}

/**
 * The apply workflow shared by the command line and the API. Opens the destination (for Neon,
 * creates a branch with a read-write endpoint first), plans, applies every pending migration in
 * one transaction under the apply lock, then verifies there. Reports each step through
 * `onEvent` (every string redacted) and returns the outcome; it never throws for a failed step.
 */
export async function runApply(job: ApplyJob, env: ApplyEnvironment, onEvent: (event: ApplyEvent) => void): Promise<ApplyOutcome> {
  const redactor = redactorFor(job.destination);
  const emit = (event: ApplyEvent) => onEvent(redactor.redactDeep(event));
  let step: StepName = "connect";
  const enter = (next: StepName, detail: string, extra: Partial<ApplyEvent> = {}) => {
    step = next;
    emit({ step: next, status: "running", detail, ...extra });
  };
  let outcome: Mutable<ApplyOutcome> = { ok: false, mode: job.mode, applied: [], alreadyApplied: [], notices: [] };
  let lease: Lease | undefined;

  try {
    lease = await openDestination(job, env, redactor, outcome, (e) => {
      step = e.step;
      emit(e);
    });
    outcome.location = lease.db.location;

    if (job.mode === "plan") {
      step = "plan";
      const version = await versionFor(job, lease.db);
      let plan = withVersion(await planFor(version.bundle, lease.db, lease.db.location), version);
      const foreign = await foreignPolicies(job.model, version.bundle, lease.db);
      if (foreign.length > 0) plan = { ...plan, foreignPolicies: foreign.map((p) => ({ ...p, dropped: false })) };
      outcome.plan = plan;
      emit({ step: "plan", status: "done", detail: withNote(planHeadline(plan), version.note), plan });
      outcome.ok = true;
    } else {
      const current = outcome;
      outcome = { ...outcome, ...(await applyAndVerify(job, lease.db, emit, enter, () => step, (plan) => (current.plan = plan))) };
    }
  } catch (error) {
    const failure = error instanceof Refusal ? error.failure : describeFailure(step, error);
    outcome.error = failure;
    emit({ step: failure.step, status: "failed", detail: failure.message, error: failure });
  } finally {
    await lease?.release().catch(() => {});
  }

  const result = redactor.redactDeep(outcome as ApplyOutcome);
  emit({ step: "done", status: result.ok ? "done" : "failed", detail: finalLine(result), outcome: result });
  return result;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Emit = (event: ApplyEvent) => void;

async function openDestination(
  job: ApplyJob,
  env: ApplyEnvironment,
  redactor: Redactor,
  outcome: Mutable<ApplyOutcome>,
  emit: Emit,
): Promise<Lease> {
  const { destination } = job;
  const neonSocket = env.neon?.proxy ? { proxy: env.neon.proxy } : undefined;
  const connect = async (open: () => Promise<Database>, what: string): Promise<Lease> => {
    emit({ step: "connect", status: "running", detail: `connecting to ${what}` });
    const db = await open();
    emit({ step: "connect", status: "done", detail: `connected to ${db.location}` });
    return { db, release: () => db.close() };
  };

  switch (destination.kind) {
    case "embedded": {
      emit({ step: "connect", status: "running", detail: "opening the embedded database" });
      const lease = await env.embedded();
      emit({ step: "connect", status: "done", detail: `opened ${lease.db.location}` });
      return lease;
    }
    case "postgres":
      return connect(() => openDatabase({ url: destination.url, ...(neonSocket ? { neon: neonSocket } : {}) }), redactUrl(destination.url));
    case "neon": {
      const api = neonApi({ apiKey: destination.apiKey, baseURL: env.neon?.baseURL });
      const onStep = (e: { step: StepName; status: "running" | "done"; detail: string }) => emit(e);
      let branch: BranchConnection;
      if (job.mode === "plan") {
        // A new branch starts as a copy of its parent: plan against the parent, change nothing.
        emit({ step: "connection-string", status: "running", detail: `looking up ${destination.parentBranchId ?? "the default branch"} of ${destination.projectId}` });
        branch = await connectionForBranch(api, { projectId: destination.projectId, branchId: destination.parentBranchId, onStep });
      } else {
        const branchName = destination.branchName ?? defaultBranchName(job.model.name, env.now?.() ?? new Date());
        branch = await createBranchWithEndpoint(api, {
          projectId: destination.projectId,
          parentBranchId: destination.parentBranchId,
          branchName,
          onStep,
          pollIntervalMs: env.neon?.pollIntervalMs,
          timeoutMs: env.neon?.timeoutMs,
        });
      }
      redactor.add(branch.connectionUri);
      outcome.branch = { projectId: branch.projectId, branchId: branch.branchId, branchName: branch.branchName };
      return connect(
        () => openDatabase({ url: branch.connectionUri, driver: "neon-serverless", ...(neonSocket ? { neon: neonSocket } : {}) }),
        `${branch.databaseName} on branch ${branch.branchName}`,
      );
    }
  }
}

async function applyAndVerify(
  job: ApplyJob,
  db: Database,
  emit: Emit,
  enter: (step: StepName, detail: string, extra?: Partial<ApplyEvent>) => void,
  currentStep: () => StepName,
  onPlan: (plan: Plan) => void,
): Promise<Partial<ApplyOutcome>> {
  enter("lock", "taking the apply lock (a concurrent apply to this database would go first)");
  let plan: Plan | undefined;
  let bundle = job.bundle;
  let result: ApplyResult;
  try {
    result = await db.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(${APPLY_LOCK_KEY})`);
      emit({ step: "lock", status: "done", detail: "holding the apply lock" });
      enter("plan", "reading the migration ledger");
      const version = await versionFor(job, tx);
      bundle = version.bundle;
      plan = withVersion(await planFor(bundle, tx, db.location), version);
      const foreign = await foreignPolicies(job.model, bundle, tx);
      if (foreign.length > 0) plan = { ...plan, foreignPolicies: foreign.map((p) => ({ ...p, dropped: job.dropForeignPolicies === true })) };
      onPlan(plan);
      emit({ step: "plan", status: "done", detail: withNote(planHeadline(plan), version.note), plan });
      refuseIfNeeded(plan, job.confirmDestructive === true);
      enter("migration", plan.pending.length ? `applying ${plan.pending.length} migration${plan.pending.length === 1 ? "" : "s"} in one transaction` : "nothing to apply");
      const applied = await applyWithin(bundle, tx, {
        onProgress: (p) => {
          if (p.step === "stand-in") emit({ step: "stand-in", status: "running", detail: "installing a local stand-in for the auth functions" });
          if (p.step === "migration") {
            enter("migration", `migration ${p.index! + 1} of ${p.total}: ${p.tag}`, { index: p.index! + 1, total: p.total });
          }
        },
      });
      if (job.dropForeignPolicies === true) for (const p of foreign) await tx.query(dropForeignPolicySql(p));
      if (applied.applied.length > 0) await storeBundle(tx, bundle);
      return applied;
    });
  } catch (error) {
    if (error instanceof Refusal) throw error;
    // The transaction rolled back: say so with the failure.
    const failure = describeFailure(currentStep(), error);
    throw new Refusal({ ...failure, message: `${failure.message}; nothing was changed` });
  }
  for (const notice of result.notices) emit({ step: "stand-in", status: "done", detail: notice });
  emit(
    result.applied.length
      ? { step: "migration", status: "done", detail: `applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"}: ${result.applied.join(", ")}` }
      : { step: "migration", status: "skipped", detail: `nothing to apply: ${result.alreadyApplied.length} migrations were already applied` },
  );

  enter("verify", "verifying every principal and operation in a transaction that is rolled back");
  const report = await verifyBundle(
    job.model,
    bundle,
    db,
    (p) => emit({ step: "verify", status: "running", detail: `table ${p.index + 1} of ${p.total}: ${p.table}`, index: p.index + 1, total: p.total }),
    job.appRoles ?? [],
  );
  const matrix = formatReport(report);
  const last = matrix.split("\n").at(-1) ?? "";
  const applied = { plan, applied: result.applied, alreadyApplied: result.alreadyApplied, notices: result.notices, report, matrix };
  if (report.ok) {
    emit({ step: "verify", status: "done", detail: last, report, matrix });
    return { ok: true, ...applied };
  }
  const error: ApplyFailure = {
    step: "verify",
    code: "mismatch",
    message: `the migrations were applied, but verify found ${last}`,
    fix: "The database does not behave as the design says: the matrix shows each mismatch with the statement that showed it.",
  };
  emit({ step: "verify", status: "failed", detail: last, report, matrix, error });
  return { ok: false, ...applied, error };
}

/**
 * The bundle to apply: the job's own, unless the database holds an earlier version of the design
 * (recorded there by an earlier apply) that the job's bundle conflicts with; then the change is
 * compiled against that version, as `compile --out <earlier bundle>` would.
 */
async function versionFor(job: ApplyJob, session: Session): Promise<{ bundle: Bundle; note?: string; widens?: readonly string[] }> {
  if (!job.design) return { bundle: job.bundle };
  const stored = await readStoredBundle(session);
  if (!stored) return { bundle: job.bundle };
  if ((await planFor(job.bundle, session, "")).conflicts.length === 0) return { bundle: job.bundle };
  let next: ReturnType<typeof compileNextVersion>;
  try {
    next = compileNextVersion(stored, job.design);
  } catch (error) {
    // Not a bundle this version can continue (another layout, no record): the plan refuses, as before.
    if (error instanceof VersionError) return { bundle: job.bundle };
    throw error;
  }
  if (!next.ok) return { bundle: job.bundle };
  if (next.kind === "unchanged") return { bundle: stored, note: `this database holds version ${next.record.version} of this design already` };
  const earlier = validateDesign(readRecord(stored)?.design);
  const widens = earlier.ok ? accessChanges(earlier.model, job.model).filter((c) => c.widened > 0).map((c) => c.text) : [];
  return {
    bundle: next.bundle,
    note: `this database holds version ${next.record.version - 1} of this design: the change is applied as version ${next.record.version} (${next.changes.join("; ")})`,
    widens,
  };
}

function withNote(headline: string, note: string | undefined): string {
  return note ? `${headline}; ${note}` : headline;
}

function withVersion(plan: Plan, version: { note?: string; widens?: readonly string[] }): Plan {
  return { ...plan, ...(version.note ? { version: version.note } : {}), ...(version.widens?.length ? { widens: version.widens } : {}) };
}

function refuseIfNeeded(plan: Plan, confirmDestructive: boolean): void {
  if (plan.conflicts.length > 0) {
    throw new Refusal({
      step: "plan",
      code: "conflict",
      message: plan.conflicts.join(" "),
      fix: "Apply this design to an empty database: a new Neon branch or another database URL; or empty the embedded database (the designer's \"Empty the embedded database\", or npm run cli -- reset) and apply again.",
    });
  }
  if ((plan.widens?.length ?? 0) > 0 && !confirmDestructive) {
    throw new Refusal({
      step: "plan",
      code: "needs-confirmation",
      message: `this change widens access: ${plan.widens!.join("; ")}. Nothing was changed.`,
      fix: "Read what the change newly allows, then confirm explicitly: tick “I understand” in the Apply panel, or add --yes on the command line.",
    });
  }
  if (plan.destructive.length > 0 && !confirmDestructive) {
    const changes = plan.destructive.map((d) => `${d.kind} ${d.target} (${d.file}, statement ${d.statement})`).join("; ");
    throw new Refusal({
      step: "plan",
      code: "needs-confirmation",
      message: `this apply would drop or rewrite data: ${changes}. Nothing was changed.`,
      fix: "Read the plan, then confirm explicitly: tick “I understand this drops or rewrites data” in the Apply panel, or add --yes on the command line.",
    });
  }
}

function finalLine(outcome: ApplyOutcome): string {
  if (outcome.error) return `failed at ${outcome.error.step}: ${outcome.error.message}`;
  if (outcome.mode === "plan") return outcome.plan ? planHeadline(outcome.plan) : "planned";
  const applied = outcome.applied.length
    ? `applied ${outcome.applied.length} migration${outcome.applied.length === 1 ? "" : "s"} to ${outcome.location}`
    : `nothing to apply to ${outcome.location}`;
  return `${applied}; verified`;
}
