import { beforeEach, describe, expect, it } from "vitest";
import type { ApplyOutcome, Plan } from "@/lib/apply/client";
import { template, type Design } from "@/lib/design";
import { applyLabel, applyStore, confirmedForeign, currentPlan, currentRehearsal, destinationKey, destinationOf, readiness, resetApplyStore, samePolicies, type ApplyState } from "./store";

const design = template("saas") as Design;
const plan = (over: Partial<Plan> = {}): Plan => ({ location: "PGlite in /tmp/x", migrations: [], pending: ["0000_setup"], destructive: [], conflicts: [], ...over });
const planned = (s: ApplyState, p: Plan, d: Design = design): ApplyState["plan"] => {
  const destination = destinationOf(s);
  if (!destination.ok) throw new Error(destination.reason);
  const outcome: ApplyOutcome = { ok: true, mode: "plan", plan: p, applied: [], alreadyApplied: [], notices: [] };
  return { state: "planned", design: d, key: destinationKey(destination.destination), outcome };
};
const state = () => applyStore().getState();

describe("the Apply panel's state", () => {
  beforeEach(() => resetApplyStore());

  it("starts on the embedded database, with no secret and nothing planned", () => {
    expect(state()).toMatchObject({ kind: "embedded", url: "", apiKey: "", rememberKey: false, plan: { state: "none" }, run: { state: "idle" } });
    expect(readiness(state(), design, 0)).toMatchObject({ canPlan: true, canApply: false, reason: expect.stringMatching(/^Plan first/) });
  });

  it("refuses an invalid design, whatever else is ready", () => {
    resetApplyStore();
    applyStore().setState({ plan: planned(state(), plan()) });
    expect(readiness(state(), design, 2)).toEqual({ canPlan: false, canApply: false, reason: expect.stringMatching(/^The design has 2 problems/) });
  });

  it("asks for each destination's fields", () => {
    applyStore().setState({ kind: "postgres" });
    expect(destinationOf(state())).toEqual({ ok: false, reason: expect.stringMatching(/connection string/) });
    applyStore().setState({ url: "mysql://x" });
    expect(destinationOf(state())).toMatchObject({ ok: false });
    applyStore().setState({ url: " postgres://u:pw@127.0.0.1:5432/db " });
    expect(destinationOf(state())).toEqual({ ok: true, destination: { kind: "postgres", url: "postgres://u:pw@127.0.0.1:5432/db" } });
    applyStore().setState({ kind: "neon", apiKey: "napi_abc" });
    expect(destinationOf(state())).toEqual({ ok: false, reason: "Pick a Neon project." });
    applyStore().setState({ projectId: "soft-dew-1", parentBranchId: "br-main-1", branchName: "" });
    expect(destinationOf(state())).toEqual({ ok: true, destination: { kind: "neon", apiKey: "napi_abc", projectId: "soft-dew-1", parentBranchId: "br-main-1" } });
  });

  it("forgets a plan once the design or the destination changes", () => {
    applyStore().setState({ plan: planned(state(), plan()) });
    expect(currentPlan(state(), design).state).toBe("planned");
    expect(readiness(state(), design, 0)).toMatchObject({ canApply: true, reason: "Applies 1 migration to PGlite in /tmp/x, then verifies." });
    expect(currentPlan(state(), { ...design, name: "other" }).state).toBe("none");
    applyStore().setState({ kind: "postgres", url: "postgres://127.0.0.1/db" });
    expect(currentPlan(state(), design).state).toBe("none");
  });

  it("needs the explicit confirmation for destructive changes, and refuses conflicts", () => {
    const destructive = [{ tag: "0001", file: "0001.sql", statement: 1, kind: "drop column" as const, target: "documents.status", text: "ALTER TABLE ..." }];
    applyStore().setState({ plan: planned(state(), plan({ destructive })) });
    expect(readiness(state(), design, 0)).toMatchObject({ canApply: false, reason: expect.stringMatching(/confirm/) });
    applyStore().setState({ confirmDestructive: true });
    expect(readiness(state(), design, 0).canApply).toBe(true);
    applyStore().setState({ plan: planned(state(), plan({ conflicts: ["0001_tables was applied here from another version"] })) });
    expect(readiness(state(), design, 0)).toMatchObject({ canPlan: true, canApply: false, reason: expect.stringMatching(/empty it first/) });
  });

  it("says when there is nothing to apply, and still lets the user verify again", () => {
    applyStore().setState({ plan: planned(state(), plan({ pending: [] })) });
    expect(readiness(state(), design, 0)).toMatchObject({ canApply: true, reason: expect.stringMatching(/^Nothing to apply/) });
  });

  it("keeps the policies the design does not produce unless ticked; the tick sends the plan's list", () => {
    const foreignPolicies = [
      { table: "notes", name: "any_insert", definition: "PERMISSIVE INSERT TO authenticated WITH CHECK (true)", dropped: false },
      { table: "notes", name: "own_select", definition: "PERMISSIVE SELECT TO authenticated USING (true)", dropped: false },
    ];
    applyStore().setState({ plan: planned(state(), plan({ foreignPolicies })) });
    expect(readiness(state(), design, 0)).toMatchObject({ canApply: true, reason: "Applies 1 migration to PGlite in /tmp/x, then verifies. It keeps the 2 policies the design does not produce (see the plan)." });
    expect(confirmedForeign(state(), design)).toBeUndefined();
    applyStore().setState({ dropForeign: true });
    expect(readiness(state(), design, 0).reason).toMatch(/It drops the 2 policies the design does not produce\.$/);
    expect(confirmedForeign(state(), design)).toEqual([
      { table: "notes", name: "any_insert" },
      { table: "notes", name: "own_select" },
    ]);
    // A plan for another design lists nothing to drop.
    expect(confirmedForeign(state(), { ...design, name: "other" })).toBeUndefined();
    expect(samePolicies(foreignPolicies, [...foreignPolicies].reverse())).toBe(true);
    expect(samePolicies(foreignPolicies, foreignPolicies.slice(1))).toBe(false);
  });

  it("a connected Neon branch: rehearse first, then apply to it what the rehearsal proved", () => {
    const branches = { state: "loaded" as const, value: [{ id: "br-main-1", name: "main", isDefault: true, state: "ready" }] };
    applyStore().setState({ kind: "neon", apiKey: "napi_abc", projectId: "soft-dew-1", neonMode: "connected", branches });
    expect(destinationOf(state())).toEqual({ ok: false, reason: "Pick the branch to connect." });
    applyStore().setState({ connectedBranchId: "br-main-1", databaseName: "neondb", roleName: "neondb_owner", keepRehearsal: true });
    expect(destinationOf(state())).toEqual({
      ok: true,
      destination: { kind: "neon", apiKey: "napi_abc", projectId: "soft-dew-1", branchId: "br-main-1", databaseName: "neondb", roleName: "neondb_owner", keepRehearsal: true },
    });
    applyStore().setState({ plan: planned(state(), plan()) });
    expect(applyLabel(state(), design)).toBe("Rehearse");
    expect(readiness(state(), design, 0)).toMatchObject({ canApply: true, reason: expect.stringMatching(/^Rehearse applies 1 migration to a new child branch of main/) });

    const destination = destinationOf(state());
    if (!destination.ok) throw new Error(destination.reason);
    const rehearsed: ApplyOutcome = { ok: true, mode: "rehearse", applied: ["0000_setup"], alreadyApplied: [], notices: [], rehearsal: { branch: { projectId: "soft-dew-1", branchId: "br-child-1", branchName: "rls/rehearsal-x" }, kept: false, fingerprint: "f".repeat(64) } };
    applyStore().setState({ rehearsed: { design, key: destinationKey(destination.destination), outcome: rehearsed } });
    expect(currentRehearsal(state(), design)).toBe(rehearsed);
    expect(applyLabel(state(), design)).toBe("Apply to main");
    // Another database, or another design, is not what was rehearsed.
    applyStore().setState({ databaseName: "other" });
    expect(currentRehearsal(state(), design)).toBeNull();
    applyStore().setState({ databaseName: "neondb" });
    expect(currentRehearsal(state(), { ...design, name: "changed" })).toBeNull();
  });
});
