import { createHash } from "node:crypto";
import { compileNextVersion, readRecord, RECORD_PATH, VersionError, type Bundle } from "../compiler";
import { APPLY_LOCK_KEY, applyWithin, openDatabase, readStoredBundle, redactUrl, storeBundle, type ApplyResult, type Database, type Session } from "../db";
import { validateDesign, type Design, type Model } from "../design";
import { connectionForBranch, createBranchWithEndpoint, defaultBranchName, deleteBranch, neonApi, type BranchConnection } from "../neon";
import { accessChanges, formatReport, verifyBundle } from "../verify";
import { dropForeignPolicySql, foreignPolicies, type ForeignPolicy } from "./foreign-policies";
import { describeFailure, type ApplyFailure } from "./errors";
import { planFor, planHeadline, type Plan } from "./plan";
import { Redactor } from "./redact";
import type { ApplyEvent, ApplyMode, ApplyOutcome, Destination, Rehearsal, StepName } from "./types";

/** A database to use for one run, and how to give it back (close it, or let the next run have it). */
export interface Lease {
  readonly db: Database;
  release(): Promise<void>;
}

export interface ApplyJob {
  readonly model: Model;
  readonly bundle: Bundle;
  readonly destination: Destination;
  /** `plan`: only read the ledger and say what applying would do; `rehearse`: see ApplyMode. */
  readonly mode: ApplyMode;
  /** Apply to a connected Neon branch: the fingerprint of the rehearsal whose migrations to apply. */
  readonly rehearsal?: string;
  /** Apply even when the plan drops or rewrites data. */
  readonly confirmDestructive?: boolean;
  /** Roles the application connects as, which verify warns about when the policies do not hold them. */
  readonly appRoles?: readonly string[];
  /**
   * The design the bundle was compiled from. With it, a database that holds an earlier version
   * (as `apply` recorded it there) gets just the change, compiled against that version.
   */
  readonly design?: Design;
  /**
   * Spec §5: drop the policies on adopted tables that the design does not produce (they are
   * listed in the plan either way). `true` drops whatever this apply finds (the command line,
   * which plans and applies in one go); a list drops exactly the policies the user confirmed in
   * an earlier plan, and refuses, changing nothing, when the apply finds others or misses one.
   */
  readonly dropForeignPolicies?: boolean | readonly ForeignPolicyName[];
}

/** A policy as the user confirmed dropping it: its table (in `public`) and its name. */
export interface ForeignPolicyName {
  readonly table: string;
  readonly name: string;
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

  const connected = connectedBranch(job.destination);
  let child: Rehearsal["branch"] | undefined;

  try {
    refuseJob(job, connected);
    lease = await openDestination(job, env, redactor, outcome, (e) => {
      step = e.step;
      emit(e);
    });
    outcome.location = lease.db.location;
    child = outcome.rehearsal?.branch;

    if (job.mode === "plan") {
      step = "plan";
      const version = await versionFor(job, lease.db);
      let plan = withVersion(await planFor(version.bundle, lease.db, lease.db.location), version);
      const foreign = await foreignPolicies(job.model, lease.db);
      if (foreign.length > 0) plan = { ...plan, foreignPolicies: foreign.map((p) => ({ ...p, dropped: false })) };
      outcome.plan = plan;
      emit({ step: "plan", status: "done", detail: withNote(planHeadline(plan), version.note), plan });
      outcome.ok = true;
    } else {
      const current = outcome;
      const fingerprint = connected
        ? {
            branchId: connected.branchId,
            ...(job.mode === "apply" ? { expect: job.rehearsal } : {}),
            // Kept only once the rehearsal applied and verified: a failed one proves nothing.
            found: (f: string) => void (rehearsed = f),
          }
        : undefined;
      let rehearsed = "";
      const result = await applyAndVerify(job, lease.db, emit, enter, () => step, (plan) => (current.plan = plan), fingerprint);
      outcome = { ...outcome, ...result };
      if (outcome.rehearsal && result.ok) outcome.rehearsal = { ...outcome.rehearsal, fingerprint: rehearsed };
    }
  } catch (error) {
    const failure = error instanceof Refusal ? error.failure : describeFailure(step, error);
    outcome.error = failure;
    emit({ step: failure.step, status: "failed", detail: failure.message, error: failure });
  } finally {
    await lease?.release().catch(() => {});
  }

  // The child branch served its purpose, whether the rehearsal passed or not: delete it unless asked to keep it.
  if (child && connected && outcome.rehearsal) {
    if (connected.keepRehearsal) {
      emit({ step: "delete-branch", status: "skipped", detail: `kept branch ${child.branchName} (${child.branchId}), as asked` });
    } else {
      try {
        await deleteBranch(neonApi({ apiKey: connected.apiKey, baseURL: env.neon?.baseURL }), {
          projectId: child.projectId,
          branchId: child.branchId,
          branchName: child.branchName,
          onStep: emit,
          pollIntervalMs: env.neon?.pollIntervalMs,
          timeoutMs: env.neon?.timeoutMs,
        });
        outcome.rehearsal = { ...outcome.rehearsal, kept: false };
      } catch (error) {
        const failure = describeFailure("delete-branch", error);
        outcome.rehearsal = { ...outcome.rehearsal, kept: true, deleteError: failure.message };
        emit({ step: "delete-branch", status: "failed", detail: `could not delete branch ${child.branchName}: ${failure.message}; delete it in the Neon Console`, error: failure });
      }
    }
  }

  const result = redactor.redactDeep(outcome as ApplyOutcome);
  emit({ step: "done", status: result.ok ? "done" : "failed", detail: finalLine(result), outcome: result });
  return result;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Emit = (event: ApplyEvent) => void;
type NeonDestination = Extract<Destination, { kind: "neon" }>;
type ConnectedDestination = NeonDestination & { branchId: string };

function connectedBranch(destination: Destination): ConnectedDestination | undefined {
  return destination.kind === "neon" && destination.branchId ? (destination as ConnectedDestination) : undefined;
}

/** A connected branch changes only with what a rehearsal proved; a rehearsal needs a branch to rehearse for. */
function refuseJob(job: ApplyJob, connected: ConnectedDestination | undefined): void {
  if (job.mode === "rehearse" && !connected) {
    throw new Refusal({ step: "connect", code: "bad-request", message: "a rehearsal needs a connected Neon branch (branchId)", fix: "Connect a Neon branch (project and branch), then rehearse." });
  }
  if (job.mode === "apply" && connected && !job.rehearsal) {
    throw new Refusal({
      step: "plan",
      code: "needs-rehearsal",
      message: `branch ${connected.branchId} is a connected branch: its migrations are rehearsed first on a child branch. Nothing was changed.`,
      fix: "Rehearse first (the Apply panel's Rehearse, or the command line's apply, which rehearses by itself), then confirm.",
    });
  }
}

/**
 * What identifies the migrations a connected branch is to get: the branch, the migrations pending
 * there with their contents, the journal (its times go into the ledger) and the record. A child
 * branch starts as a copy of its parent, so a rehearsal and the apply that follows it agree,
 * unless the parent changed in between.
 */
function fingerprintOf(branchId: string, bundle: Bundle, plan: Plan): string {
  const contents = (path: string) => bundle.find((f) => f.path === path)?.contents ?? "";
  const pending = plan.migrations.filter((m) => m.status === "pending").map((m) => [m.file, contents(m.file)]);
  const journal = bundle.filter((f) => f.path.endsWith("/meta/_journal.json")).map((f) => f.contents);
  // The policies the apply drops are part of what was rehearsed (left out when none, so earlier fingerprints hold).
  const dropped = (plan.foreignPolicies ?? []).filter((p) => p.dropped).map((p) => [p.table, p.name]);
  return createHash("sha256")
    .update(JSON.stringify({ branchId, pending, journal, record: contents(RECORD_PATH), ...(dropped.length ? { dropped } : {}) }))
    .digest("hex");
}

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
      const connected = connectedBranch(destination);
      let branch: BranchConnection;
      const open = (b: BranchConnection) => {
        redactor.add(b.connectionUri);
        return connect(
          () => openDatabase({ url: b.connectionUri, driver: "neon-serverless", ...(neonSocket ? { neon: neonSocket } : {}) }),
          `${b.databaseName} on branch ${b.branchName}`,
        );
      };
      if (connected) {
        const { projectId, branchId, databaseName, roleName } = connected;
        emit({ step: "connection-string", status: "running", detail: `looking up branch ${branchId} of ${projectId}` });
        const parent = await connectionForBranch(api, { projectId, branchId, databaseName, roleName, onStep });
        redactor.add(parent.connectionUri);
        outcome.branch = { projectId, branchId, branchName: parent.branchName };
        if (job.mode !== "rehearse") return open(parent);
        // A child branch is Neon's copy-on-write copy of the connected one: the same schema, data and ledger.
        const childName = destination.branchName ?? defaultBranchName(`rehearsal ${job.model.name}`, env.now?.() ?? new Date());
        const rehearsal = await createBranchWithEndpoint(api, {
          projectId,
          parentBranchId: branchId,
          branchName: childName,
          databaseName: parent.databaseName,
          roleName: parent.roleName,
          onStep,
          pollIntervalMs: env.neon?.pollIntervalMs,
          timeoutMs: env.neon?.timeoutMs,
        });
        outcome.rehearsal = { branch: { projectId, branchId: rehearsal.branchId, branchName: rehearsal.branchName }, kept: true, fingerprint: "" };
        return open(rehearsal);
      }
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
      outcome.branch = { projectId: branch.projectId, branchId: branch.branchId, branchName: branch.branchName };
      return open(branch);
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
  fingerprint?: { branchId: string; expect?: string; found: (fingerprint: string) => void },
): Promise<Partial<ApplyOutcome>> {
  enter("lock", "taking the apply lock (a concurrent apply to this database would go first)");
  let plan: Plan | undefined;
  let bundle = job.bundle;
  let result: ApplyResult;
  let dropped: readonly ForeignPolicy[] = [];
  try {
    result = await db.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(${APPLY_LOCK_KEY})`);
      emit({ step: "lock", status: "done", detail: "holding the apply lock" });
      enter("plan", "reading the migration ledger");
      const version = await versionFor(job, tx);
      bundle = version.bundle;
      plan = withVersion(await planFor(bundle, tx, db.location), version);
      const foreign = await foreignPolicies(job.model, tx);
      const differs = confirmedDiffers(job.dropForeignPolicies, foreign);
      const drop = job.dropForeignPolicies !== undefined && job.dropForeignPolicies !== false && !differs;
      if (foreign.length > 0) plan = { ...plan, foreignPolicies: foreign.map((p) => ({ ...p, dropped: drop })) };
      onPlan(plan);
      emit({ step: "plan", status: "done", detail: withNote(planHeadline(plan), version.note), plan });
      if (differs) throw new Refusal(differs);
      if (fingerprint) {
        const found = fingerprintOf(fingerprint.branchId, bundle, plan);
        fingerprint.found(found);
        if (fingerprint.expect !== undefined && fingerprint.expect !== found) {
          throw new Refusal({
            step: "plan",
            code: "rehearsal-outdated",
            message: "the branch, or the design, changed since the rehearsal: these are not the migrations that were rehearsed. Nothing was changed.",
            fix: "Rehearse again, then confirm.",
          });
        }
      }
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
      if (drop) {
        for (const p of foreign) await tx.query(dropForeignPolicySql(p));
        dropped = foreign;
      }
      if (applied.applied.length > 0) await storeBundle(tx, bundle);
      return applied;
    });
  } catch (error) {
    // The transaction rolled back: the outcome's plan says no policy was dropped.
    if (plan?.foreignPolicies?.some((p) => p.dropped)) onPlan({ ...plan, foreignPolicies: plan.foreignPolicies.map((p) => ({ ...p, dropped: false })) });
    if (error instanceof Refusal) throw error;
    // The transaction rolled back: say so with the failure.
    const failure = describeFailure(currentStep(), error);
    throw new Refusal({ ...failure, message: `${failure.message}; nothing was changed` });
  }
  for (const notice of result.notices) emit({ step: "stand-in", status: "done", detail: notice });
  const droppedNote = dropped.length
    ? `; dropped ${dropped.length} polic${dropped.length === 1 ? "y" : "ies"} the design does not produce: ${dropped.map((p) => `${p.table}.${p.name}`).join(", ")}`
    : "";
  emit(
    result.applied.length
      ? { step: "migration", status: "done", detail: `applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"}: ${result.applied.join(", ")}${droppedNote}` }
      : { step: "migration", status: dropped.length ? "done" : "skipped", detail: `nothing to apply: ${result.alreadyApplied.length} migrations were already applied${droppedNote}` },
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
interface Version {
  bundle: Bundle;
  note?: string;
  widens?: readonly string[];
  access?: readonly string[];
  held?: Plan["held"];
}

async function versionFor(job: ApplyJob, session: Session): Promise<Version> {
  if (!job.design) return { bundle: job.bundle };
  const stored = await readStoredBundle(session);
  if (!stored) return { bundle: job.bundle };
  let next: ReturnType<typeof compileNextVersion>;
  try {
    next = compileNextVersion(stored, job.design);
  } catch (error) {
    // Not a bundle this version can continue (another layout, no record): the plan refuses, as before.
    if (error instanceof VersionError) return { bundle: job.bundle };
    throw error;
  }
  if (!next.ok) return { bundle: job.bundle };
  const heldVersion = readRecord(stored)?.version;
  const held = heldVersion === undefined ? undefined : { version: heldVersion, matches: next.kind === "unchanged" };
  if ((await planFor(job.bundle, session, "")).conflicts.length === 0) return { bundle: job.bundle, held };
  if (next.kind === "unchanged") return { bundle: stored, note: `this database holds version ${next.record.version} of this design already`, held };
  const earlier = validateDesign(readRecord(stored)?.design);
  const changes = earlier.ok ? accessChanges(earlier.model, job.model) : [];
  return {
    bundle: next.bundle,
    note: `this database holds version ${next.record.version - 1} of this design: the change is applied as version ${next.record.version} (${next.changes.join("; ")})`,
    widens: changes.filter((c) => c.widened > 0).map((c) => c.text),
    access: changes.map((c) => c.text),
    held,
  };
}

function withNote(headline: string, note: string | undefined): string {
  return note ? `${headline}; ${note}` : headline;
}

function withVersion(plan: Plan, version: Version): Plan {
  return {
    ...plan,
    ...(version.note ? { version: version.note } : {}),
    ...(version.widens?.length ? { widens: version.widens } : {}),
    ...(version.access?.length ? { access: version.access } : {}),
    ...(version.held ? { held: version.held } : {}),
  };
}

/**
 * The refusal when the user confirmed dropping a list of policies (from an earlier plan) and this
 * apply, inside its transaction, finds another list: someone changed the database in between.
 * Nothing is dropped that the user did not name, and nothing they named is taken for granted.
 */
function confirmedDiffers(confirmed: ApplyJob["dropForeignPolicies"], found: readonly ForeignPolicy[]): ApplyFailure | undefined {
  if (!Array.isArray(confirmed)) return undefined;
  const key = (p: ForeignPolicyName) => JSON.stringify([p.table, p.name]);
  const named = (ps: readonly ForeignPolicyName[]) => ps.map((p) => `${p.table}.${p.name}`).join(", ");
  const wanted = new Set(confirmed.map(key));
  const here = new Set(found.map(key));
  const unconfirmed = found.filter((p) => !wanted.has(key(p)));
  const gone = confirmed.filter((p) => !here.has(key(p)));
  if (unconfirmed.length === 0 && gone.length === 0) return undefined;
  const parts = [
    ...(unconfirmed.length ? [`found now, not confirmed: ${named(unconfirmed)}`] : []),
    ...(gone.length ? [`confirmed, no longer there: ${named(gone)}`] : []),
  ];
  return {
    step: "plan",
    code: "foreign-policies-changed",
    message: `the policies the design does not produce changed since the plan you confirmed (${parts.join("; ")}). Nothing was changed, and no policy was dropped.`,
    fix: "Someone changed the database since the plan: read the plan again (it lists the policies there now), then confirm dropping them, or apply without dropping any.",
  };
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
  if (outcome.mode === "rehearse") {
    const on = outcome.rehearsal ? ` on ${outcome.rehearsal.branch.branchName}${outcome.rehearsal.kept ? " (kept)" : " (deleted)"}` : "";
    const n = outcome.applied.length;
    return `rehearsed${on}: ${n ? `applied ${n} migration${n === 1 ? "" : "s"}` : "nothing to apply"}; verified; ${outcome.branch?.branchName ?? "the connected branch"} is unchanged`;
  }
  const applied = outcome.applied.length
    ? `applied ${outcome.applied.length} migration${outcome.applied.length === 1 ? "" : "s"} to ${outcome.location}`
    : `nothing to apply to ${outcome.location}`;
  return `${applied}; verified`;
}
