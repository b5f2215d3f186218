import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { proposeDesign, readCatalog } from "../import";
import { handleApplyRequest, handlePlanRequest } from "./server";
import { lend } from "./test-helpers";
import type { ApplyEvent, ApplyOutcome } from "./types";

/**
 * Spec §5 through the API, as the designer's Apply panel sends it: the policies on an adopted
 * table that the design does not produce are listed by the plan, and dropped only when the
 * apply names them (the list the user confirmed) and finds exactly those inside its transaction.
 */
const HAND_WRITTEN = `
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF; END $$;
CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, body text);
GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO authenticated;
CREATE POLICY own_select ON notes FOR SELECT TO authenticated USING (user_id = (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'));
CREATE POLICY any_insert ON notes FOR INSERT TO authenticated WITH CHECK (true);
INSERT INTO notes VALUES ('00000000-0000-4000-8000-000000000001', 'ada', 'kept');
`;

const ORIGIN = "http://localhost:3210";

function post(path: string, body: unknown): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function applied(response: Response): Promise<{ events: ApplyEvent[]; outcome: ApplyOutcome }> {
  const events = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as ApplyEvent);
  return { events, outcome: events.at(-1)!.outcome! };
}

describe.each(testDatabases())("dropping the policies the design does not produce, as confirmed, on $name", (factory) => {
  let db: Database;
  let design: unknown;
  const policies = async () => (await db.query<{ policyname: string }>("select policyname from pg_policies where tablename = 'notes' order by 1")).rows.map((r) => r.policyname);

  beforeAll(async () => {
    db = await factory.open();
    await db.exec(HAND_WRITTEN);
    design = proposeDesign(await readCatalog(db)).design;
  });
  afterAll(() => db?.close());

  it("lists them in the plan; refuses an apply whose confirmed list differs, changing nothing; drops exactly the confirmed ones", async () => {
    const env = lend(db);
    const destination = { kind: "embedded" };
    const plan = (await (await handlePlanRequest(post("/api/plan", { design, destination }), env)).json()) as { outcome: ApplyOutcome };
    expect(plan.outcome.plan!.foreignPolicies).toEqual([
      { table: "notes", name: "any_insert", definition: "PERMISSIVE INSERT TO authenticated WITH CHECK (true)", dropped: false },
      { table: "notes", name: "own_select", definition: expect.stringMatching(/^PERMISSIVE SELECT TO authenticated USING \(/), dropped: false },
    ]);

    // Confirmed one, found two (someone added own_select since the plan, say): refused before any change.
    const refused = await applied(await handleApplyRequest(post("/api/apply", { design, destination, dropForeignPolicies: [{ table: "notes", name: "any_insert" }, { table: "notes", name: "gone" }] }), env));
    expect(refused.outcome).toMatchObject({ ok: false, applied: [], error: { step: "plan", code: "foreign-policies-changed" } });
    expect(refused.outcome.error!.message).toContain("found now, not confirmed: notes.own_select; confirmed, no longer there: notes.gone");
    expect(refused.outcome.error!.message).toContain("Nothing was changed");
    expect(refused.events.some((e) => e.step === "migration")).toBe(false);
    expect(await policies()).toEqual(["any_insert", "own_select"]);
    expect((await db.query<{ rls: boolean }>("select relrowsecurity as rls from pg_class where relname = 'notes'")).rows).toEqual([{ rls: false }]);

    // The list the plan showed: both dropped, the design's own policies in their place, verified.
    const confirmed = plan.outcome.plan!.foreignPolicies!.map(({ table, name }) => ({ table, name }));
    const done = await applied(await handleApplyRequest(post("/api/apply", { design, destination, dropForeignPolicies: confirmed }), env));
    expect(done.outcome.error).toBeUndefined();
    expect(done.outcome.ok).toBe(true);
    expect(done.outcome.plan!.foreignPolicies!.map((p) => [p.name, p.dropped])).toEqual([
      ["any_insert", true],
      ["own_select", true],
    ]);
    expect(done.events.find((e) => e.step === "migration" && e.status === "done")!.detail).toMatch(/; dropped 2 policies the design does not produce: notes\.any_insert, notes\.own_select$/);
    const left = await policies();
    expect(left.length).toBeGreaterThan(0);
    expect(left).not.toContain("any_insert");
    expect(left).not.toContain("own_select");
    expect((await db.query("select body from notes")).rows).toEqual([{ body: "kept" }]);
  }, 120_000);
});
