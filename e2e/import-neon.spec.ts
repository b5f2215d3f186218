import { expectAccessible } from "./fixtures/axe";
import { canRunNeon, neonForApp, neonSkipReason, onBranch } from "./fixtures/neon";
import { currentDesign, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * Adopting a Neon branch (issue 10): the import dialog reads a branch of a Neon project through
 * the API key, verifies the branch's own policies (the matrix of what they allow today, then what
 * the design would change) with nothing left behind; the Check dialog reads the same branch and
 * adds a table the design lacks in one click, one undo step. Against the stand-ins of
 * e2e/fixtures/neon.ts, whose branches are real databases.
 */

const API_KEY = `napi_e2eimport${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const PASSWORD = "npg_e2eImportPassword1";

/** Hand-written: an organization table the API roles may read without row-level security, and notes with drizzle's crudPolicy shape. */
const SCHEMA = `
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF; END $$;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text LANGUAGE sql STABLE AS $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub' $$;
CREATE TABLE projects (id uuid PRIMARY KEY, org_id uuid NOT NULL, title text NOT NULL);
GRANT SELECT ON projects TO authenticated;
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON notes TO authenticated;
CREATE POLICY "crud-authenticated-policy-select" ON notes FOR SELECT TO authenticated USING ((select auth.user_id() = user_id));
INSERT INTO projects VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000aa', 'kept');
`;

const STATE = "select (select string_agg(policyname, ',' order by policyname) from pg_policies) as policies, (select string_agg(title, ',') from projects) as projects, (select count(*)::int from notes) as notes";

test("imports a Neon branch, verifies its own policies as they are, then checks it and adds a missing table in one click", async ({ page }) => {
  test.skip(!canRunNeon, neonSkipReason);
  test.setTimeout(180_000);
  const appPort = Number(new URL(test.info().project.use.baseURL!).port);
  const neon = await neonForApp(appPort, { apiKey: API_KEY, password: PASSWORD });
  const main = neon.standIn.databaseOf(neon.standIn.defaultBranchId);
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => bodies.push(response.body().then((b) => b.toString("utf8")).catch(() => "")));

  try {
    await onBranch(main, SCHEMA);
    const before = await onBranch(main, STATE);
    await openDesigner(page);
    await startFrom(page, "Template: todos");

    await page.getByRole("button", { name: "Existing database" }).click();
    await page.getByRole("button", { name: /^Import from database or SQL/ }).click();
    const dialog = page.getByRole("dialog", { name: "Import an existing database" });
    await dialog.getByRole("radio", { name: "Neon branch" }).check();
    await dialog.getByRole("textbox", { name: "Neon API key" }).fill(API_KEY);
    await dialog.getByRole("button", { name: "Load projects" }).click();
    // The server's first Neon request loads its API route, which a busy machine takes a while to do.
    await expect(dialog.getByRole("combobox", { name: "Neon project" })).toHaveValue(neon.standIn.projectId, { timeout: 45_000 });
    await expect(dialog.getByRole("combobox", { name: "Branch to read" })).toHaveValue(neon.standIn.defaultBranchId);
    await expect(dialog.getByRole("combobox", { name: "Database" })).toHaveValue("neondb", { timeout: 30_000 });
    await expect(dialog.getByRole("combobox", { name: "Role" })).toHaveValue("postgres");

    await dialog.getByRole("button", { name: "Read tables" }).click();
    const tables = dialog.getByRole("table", { name: "Imported tables" });
    await expect(tables.getByRole("row", { name: /^projects 3 organization \(org_id\) disabled 0$/ })).toBeVisible({ timeout: 30_000 });
    await expect(dialog.getByText(`2 tables from neondb on Neon branch main (${neon.standIn.projectId})`)).toBeVisible();

    // Verify what the branch's policies allow today: progress, the matrix, then what the design changes.
    const status = dialog.locator("#adopt-verify-status");
    await dialog.getByRole("button", { name: "Verify current policies" }).click();
    await expect(status).toHaveText(/^Verifying… /);
    await expect(status).toHaveText(/^Applying the design changes \d+ of \d+ cells \(\d+ statements\)\.$/, { timeout: 60_000 });
    const today = dialog.getByRole("region", { name: "What the policies allow today" });
    const projects = today.getByRole("table", { name: "projects" });
    // Every signed-in user reads every project today (no row-level security); the design shows each organization its own.
    const cell = projects.getByRole("button", { name: /^select as member of org A today: all \d+ rows\W+changes\W+with the design: \d+ of \d+ rows$/ });
    await expect(cell).toBeVisible();
    await cell.click();
    await expect(dialog.getByRole("region", { name: "Cell projects / member of org A / select" }).getByLabel("Statement")).toContainText("SELECT");
    const changes = dialog.getByRole("region", { name: "What the design would change" });
    await changes.getByText(/^projects: \d+ changes$/).click();
    await expect(changes.getByRole("list", { name: "Changes to projects" })).toContainText(/member of org A may read projects less than today \(today: all \d+ rows; with the design: \d+ of \d+ rows\)/);
    await expectAccessible(page, "import verify current policies");
    // Rolled back on the branch: its policies, its row, and none of verify's sample rows.
    expect(await onBranch(main, STATE)).toEqual(before);

    await dialog.getByRole("button", { name: "Open in the designer" }).click();
    await expect(dialog).toBeHidden();
    expect((await currentDesign(page)).tables.map((t) => t.name)).toEqual(["notes", "projects"]);

    // A table made since the import: Check the same branch, and add it to the design in one click (one undo step).
    await onBranch(main, "CREATE TABLE labels (id uuid PRIMARY KEY, user_id text NOT NULL, name text); GRANT SELECT ON labels TO authenticated;");
    await page.getByRole("button", { name: "Existing database" }).click();
    await page.getByRole("button", { name: /^Check database/ }).click();
    const check = page.getByRole("dialog", { name: "Check a database" });
    await expect(check.getByRole("radio", { name: "Neon branch" })).toBeChecked();
    await check.getByRole("button", { name: "Check", exact: true }).click();
    const finding = check.getByRole("listitem", { name: /^Row-level security is disabled on a table the API roles can reach: public\.labels$/ });
    await expect(finding).toBeVisible({ timeout: 30_000 });
    await finding.getByRole("button", { name: "Apply to design: Add labels to the design as an existing table (isolated by its owner column user_id)" }).click();
    expect((await currentDesign(page)).tables.map((t) => [t.name, t.existing, t.firewall])).toContainEqual(["labels", true, { owner: { column: "user_id" } }]);
    await expect(finding).toContainText("The design has labels and enables row-level security on it");
    await check.getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "Undo" }).click();
    expect((await currentDesign(page)).tables.map((t) => t.name)).toEqual(["notes", "projects"]);

    const received = await Promise.all(bodies);
    expect(received.filter((b) => b.includes(API_KEY) || b.includes(PASSWORD))).toEqual([]);
  } finally {
    await neon.close();
  }
});
