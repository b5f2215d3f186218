import type { Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/axe";
import { currentDesign, emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * Adopting an existing database in the designer (issue 10): "Import from database or SQL" with
 * pasted SQL (read in the server's throwaway PGlite), its guesses, its own policies verified
 * there, opening it as one undo step;
 * "Check database" on the embedded database, a finding and its one-click design fix. The
 * fixture's guard fails the test if any request leaves localhost.
 */

const SCHEMA = `
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
