import pg from "pg";
import type { Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/axe";
import { currentDesign, emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * Adopting an existing database in the designer (issue 10): "Import from database or SQL" with
 * pasted SQL (read in the server's throwaway PGlite), its guesses, its own policies verified
 * there, opening it as one undo step;
 * "Check database" on the embedded database, a finding and its one-click design fix; a
 * PostgreSQL database adopted and applied to, its hand-written policy kept until the user
 * confirms dropping it. The fixture's guard fails the test if any request leaves localhost.
 */

const adminUrl = process.env.DATABASE_URL;

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text LANGUAGE sql STABLE AS $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub' $$;
CREATE TABLE projects (id uuid PRIMARY KEY, org_id uuid NOT NULL, title text NOT NULL);
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "crud-authenticated-policy-select" ON notes FOR SELECT TO authenticated USING ((select auth.user_id() = user_id));
`;

/**
 * Holds the next request to `path` (then lets it through to the server) until `seen` resolves: on
 * a fast machine the dialogs' progress line lasts too short a time to be seen otherwise.
 */
async function holdNextRequest(page: Page, path: string, seen: () => Promise<void>, start: () => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${path}`, async (route) => {
    await released;
    await route.continue();
  }, { times: 1 });
  await start();
  try {
    await seen();
  } finally {
    release();
  }
}

async function openFromMenu(page: Page, item: RegExp, dialog: string) {
  await page.getByRole("button", { name: "Existing database" }).click();
  await page.getByRole("button", { name: item }).click();
  const opened = page.getByRole("dialog", { name: dialog });
  await expect(opened).toBeVisible();
  return opened;
}

/** Applies the open design to the server's embedded database through the API, as the Apply panel would (this test is about what comes after). */
async function applyToEmbedded(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const { token } = (await (await fetch("/api/token")).json()) as { token: string };
    const design = (window as unknown as { rlsDesigner: { store: { getState(): { design: unknown } } } }).rlsDesigner.store.getState().design;
    const response = await fetch("/api/apply", { method: "POST", headers: { "content-type": "application/json", "x-rlsd-page-token": token }, body: JSON.stringify({ design, destination: { kind: "embedded" } }) });
    const lines = (await response.text()).trim().split("\n");
    return (JSON.parse(lines.at(-1)!) as { outcome?: { ok: boolean } }).outcome?.ok === true;
  });
}

test("imports pasted SQL with its guesses, opens it as one undo step; checks the embedded database and fixes a finding in the design", async ({ page }) => {
  test.setTimeout(120_000);
  await openDesigner(page);
  await startFrom(page, "Template: todos");

  // Check database on the embedded database, holding the todos design (owned by the role the app connects as, not forced).
  expect(await emptyEmbedded(page)).toBe(200);
  expect(await applyToEmbedded(page)).toBe(true);
  const check = await openFromMenu(page, /^Check database/, "Check a database");
  await check.getByRole("radio", { name: "Embedded database" }).check();
  // The footer line is a live region: its progress and then its summary are announced.
  const checkStatus = check.getByRole("status");
  await expect(checkStatus).toHaveText("Nothing is changed in the database.");
  await holdNextRequest(page, "/api/lint", () => expect(checkStatus).toHaveText("Checking…"), () => check.getByRole("button", { name: "Check", exact: true }).click());
  const finding = check.getByRole("listitem", { name: /Row-level security is not forced.*: public\.todos$/ });
  await expect(finding).toBeVisible({ timeout: 30_000 });
  await expect(checkStatus).toHaveText(/: \d+ errors, [1-9]\d* warnings, \d+ notes\.$/);
  await expect(check.getByRole("region", { name: /^Warnings \(\d+\)$/ })).toContainText("public.todos");
  await expect(finding).toContainText("Why: you connect as");
  await expect(finding).toContainText("Fix: ALTER TABLE public.todos FORCE ROW LEVEL SECURITY");
  await expectAccessible(page, "check database findings");
  const download = page.waitForEvent("download");
  await check.getByRole("button", { name: "Download SARIF" }).click();
  expect((await download).suggestedFilename()).toBe("rls-lint.sarif");
  await finding.getByRole("button", { name: "Apply to design: Force row-level security in the design" }).click();
  expect((await currentDesign(page)).forceRowLevelSecurity).toBe(true);
  await expect(finding).toContainText("The design already forces row-level security");
  await check.getByRole("button", { name: "Close" }).click();

  // Import from SQL, reached by keyboard: a dump that does not load says where, on which field; nothing changes.
  await page.getByRole("button", { name: "Existing database" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: /^Import from database or SQL/ })).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Import an existing database" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("radio", { name: "SQL file or migrations" }).check();
  const sql = dialog.getByRole("textbox", { name: "SQL to import" });
  await sql.fill("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABEL b (id int);");
  await dialog.getByRole("button", { name: "Read tables" }).click();
  await expect(dialog.getByRole("alert")).toContainText(/SQL: the SQL does not load near line 2 .*syntax error at or near "TABEL"/, { timeout: 30_000 });
  await expect(dialog.getByRole("button", { name: "Open in the designer" })).toBeDisabled();
  expect((await currentDesign(page)).name).toBe("todos");

  await sql.fill(SCHEMA);
  const importStatus = dialog.locator("#import-reason");
  await holdNextRequest(page, "/api/import", () => expect(importStatus).toHaveText("Reading the tables…"), () => dialog.getByRole("button", { name: "Read tables" }).click());
  const tables = dialog.getByRole("table", { name: "Imported tables" });
  await expect(tables.getByRole("row", { name: /^projects 3 organization \(org_id\) disabled 0$/ })).toBeVisible({ timeout: 30_000 });
  await expect(tables.getByRole("row", { name: /^notes 3 owner \(user_id\) enabled 1$/ })).toBeVisible();
  const warnings = dialog.getByRole("list", { name: "Warnings to review" });
  await expect(warnings).toContainText("guessed from the organization column org_id");
  await expect(warnings).toContainText("guessed from the owner column user_id");
  await expect(dialog.getByRole("list", { name: "Existing policies" })).toContainText("crud-authenticated-policy-select");
  await expect(importStatus).toHaveText(/^Opening it replaces the design in the designer/);
  await expectAccessible(page, "import result");

  // Verify the dump's own policies (loaded again in a throwaway PGlite): no role may use notes today (no grant), so the design's owner rules are changes; the signed-out visitor gets nothing either way.
  await dialog.getByRole("button", { name: "Verify current policies" }).click();
  await expect(dialog.locator("#adopt-verify-status")).toHaveText(/^Applying the design changes \d+ of \d+ cells/, { timeout: 60_000 });
  const notes = dialog.getByRole("region", { name: "What the policies allow today" }).getByRole("table", { name: "notes" });
  await expect(notes.getByRole("button", { name: /^select as member of org A today: no privilege\W+changes\W+with the design: [1-9]\d* of \d+ rows$/ })).toBeVisible();
  await expect(notes.getByRole("button", { name: /^select as signed-out visitor today: no privilege\W+the design allows the same$/ })).toBeVisible();

  await dialog.getByRole("button", { name: "Open in the designer" }).click();
  await expect(dialog).toBeHidden();
  const imported = await currentDesign(page);
  expect(imported.tables.map((t) => [t.name, t.existing])).toEqual([
    ["notes", true],
    ["projects", true],
  ]);

  // One undo step: the todos design comes back (with its fix), redo brings the import again, and a reload keeps it.
  await page.getByRole("button", { name: "Undo" }).click();
  expect(await currentDesign(page)).toMatchObject({ name: "todos", forceRowLevelSecurity: true });
  await page.getByRole("button", { name: "Redo" }).click();
  expect(await currentDesign(page)).toEqual(imported);
  await page.reload();
  await expect(page.getByRole("button", { name: "Add table", includeHidden: true })).toBeAttached();
  await expect.poll(async () => (await currentDesign(page)).tables.map((t) => t.name)).toEqual(["notes", "projects"]);
});

/** A table an application made, with a policy written by hand that no design produces. */
const ADOPTED = `
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF; END $$;
CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, body text);
GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO authenticated;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY legacy_read ON notes FOR SELECT TO authenticated USING (true);
INSERT INTO notes VALUES ('00000000-0000-4000-8000-000000000001', 'ada', 'kept');
`;

test("adopting a PostgreSQL database: the plan lists the policy the design does not produce; Apply keeps it until the drop is ticked", async ({ page }) => {
  test.skip(!adminUrl, "DATABASE_URL is not set: no PostgreSQL server to adopt");
  test.setTimeout(120_000);
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch {
    test.skip(true, `no PostgreSQL answers at ${adminUrl}`);
  }
  const name = `rlsd_e2e_adopt_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl!);
  url.username ||= "postgres";
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  try {
    await db.connect();
    await db.query(ADOPTED);
    const policies = async () => (await db.query<{ policyname: string }>("select policyname from pg_policies where tablename = 'notes' order by 1")).rows.map((r) => r.policyname);

    await openDesigner(page);
    const dialog = await openFromMenu(page, /^Import from database or SQL/, "Import an existing database");
    await dialog.getByRole("radio", { name: "PostgreSQL URL" }).check();
    await dialog.getByRole("textbox", { name: "Connection string" }).fill(url.toString());
    await dialog.getByRole("button", { name: "Read tables" }).click();
    await expect(dialog.getByRole("table", { name: "Imported tables" }).getByRole("row", { name: /^notes / })).toBeVisible({ timeout: 30_000 });
    await dialog.getByRole("button", { name: "Open in the designer" }).click();
    await expect(dialog).toBeHidden();

    // The same connection string in the Apply panel: the plan lists the hand-written policy, with why it matters, unticked.
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
    await panel.getByRole("radio", { name: "PostgreSQL URL" }).check();
    await panel.getByRole("button", { name: "Plan" }).click();
    const plan = panel.getByRole("region", { name: "Plan" });
    const foreign = plan.getByRole("table", { name: "Policies the design does not produce" });
    await expect(foreign.getByRole("row", { name: /^notes legacy_read PERMISSIVE SELECT TO authenticated USING \(true\) Permissive: widens what the design allows; verify reports the rows it lets through\. kept$/ })).toBeVisible({
      timeout: 30_000,
    });
    const drop = plan.getByRole("checkbox", { name: "Drop this policy the design does not produce" });
    await expect(drop).not.toBeChecked();
    await expect(panel.locator("#apply-reason")).toContainText("It keeps the policy the design does not produce");
    await expectAccessible(page, "plan with a policy the design does not produce");

    // Unticked: the design is applied, the policy kept.
    const applyNow = panel.getByRole("button", { name: "Apply now" });
    const progress = panel.getByRole("region", { name: "Apply progress" });
    await applyNow.click();
    await expect(progress).toHaveText(/applied \d+ migrations to .*; verified$/, { timeout: 60_000 });
    expect(await policies()).toContain("legacy_read");

    // Ticked, by keyboard: the next apply drops exactly it, and says so.
    await expect(plan).toContainText("Nothing to apply", { timeout: 30_000 });
    await expect(foreign.getByRole("row", { name: /^notes legacy_read .* kept$/ })).toBeVisible();
    await drop.focus();
    await page.keyboard.press("Space");
    await expect(drop).toBeChecked();
    await expect(foreign.getByRole("row", { name: /^notes legacy_read .* to drop$/ })).toBeVisible();
    await applyNow.click();
    await expect(progress).toContainText("dropped 1 policy the design does not produce: notes.legacy_read", { timeout: 60_000 });
    await expect(progress).toHaveText(/nothing to apply to .*; verified$/, { timeout: 60_000 });
    expect(await policies()).not.toContain("legacy_read");
    expect((await db.query("select body from notes")).rows).toEqual([{ body: "kept" }]);
    // Planned again: nothing left to drop, nothing ticked.
    await expect(foreign).toBeHidden({ timeout: 30_000 });
  } finally {
    await db.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
});
