import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Page } from "@playwright/test";
import { currentDesign, emptyEmbedded as emptyEmbeddedAsThePage, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * The Apply panel, through the real server: the embedded database (the web server's
 * RLSD_PGLITE_DIR, a temporary folder) and, when DATABASE_URL names a PostgreSQL server, a fresh
 * database on it by URL. Each apply must end with "verified".
 */

const adminUrl = process.env.DATABASE_URL;

async function openApply(page: Page) {
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
  await expect(panel).toBeVisible();
  return {
    panel,
    plan: panel.getByRole("region", { name: "Plan" }),
    progress: panel.getByRole("region", { name: "Apply progress" }),
    matrix: panel.getByRole("region", { name: "Access matrix" }),
    applyNow: panel.getByRole("button", { name: "Apply now" }),
  };
}

/**
 * The web server's embedded database folder, as playwright.config.ts gave it to the server
 * (RLSD_PGLITE_DIR); the workers inherit the variable the config set.
 */
function serverPgliteDir(): string {
  const dir = process.env.RLSD_E2E_PGLITE_DIR;
  if (!dir) throw new Error("RLSD_E2E_PGLITE_DIR is unset: run the browser tests through playwright.config.ts");
  return dir;
}

/** When anything under `dir` last changed (ms since the epoch): PGlite writes its files there as it commits. */
function lastChangeUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Empties the server's embedded database the way the panel does (the folder may hold an earlier test's design). */
async function emptyEmbedded(page: Page) {
  expect(await emptyEmbeddedAsThePage(page)).toBe(200);
}

test("applies a template to the embedded database and verifies it; again finds nothing to apply; a changed design is applied as its next version", async ({ page }) => {
  test.setTimeout(240_000); // three verifies of saas on PGlite, and a cell explained
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await emptyEmbedded(page);

  const { panel, plan, progress, matrix, applyNow } = await openApply(page);
  // The default destination needs nothing from the user: it is planned at once.
  await expect(panel.getByRole("radio", { name: "Embedded database" })).toBeChecked();
  await expect(plan).toContainText("5 of 5 migrations to apply", { timeout: 30_000 });
  await expect(plan.getByRole("row", { name: /0003_policies/ })).toContainText(/to apply.*18 policies/);
  await expect(applyNow).toBeEnabled();
  // The panel names the folder the server really uses: the one the server was started with, not the default.
  const folder = serverPgliteDir();
  await expect(panel.getByTestId("embedded-folder")).toHaveText(folder);

  const applyStarted = Date.now();
  await applyNow.click();
  await expect(progress).toHaveText(/applied 5 migrations to PGlite in .*; verified$/, { timeout: 90_000 });
  await expect(progress).toContainText(`PGlite in ${folder}`);
  // ...and the apply really wrote there: a PostgreSQL data folder, changed while the apply ran.
  expect(existsSync(join(folder, "PG_VERSION")), `${folder} holds a PGlite database`).toBe(true);
  expect(lastChangeUnder(folder)).toBeGreaterThan(applyStarted);
  for (const step of ["Connect", "Lock", "Plan", "Migrations", "Verify"]) await expect(progress).toContainText(`done: ${step}`);
  await expect(progress).toContainText("a local stand-in");
  await expect(matrix.getByRole("table")).toHaveCount(2);
  await expect(matrix.getByRole("table").first().getByRole("rowheader")).toHaveCount(13);
  await expect(matrix).toContainText("✓");
  await expect(matrix).not.toContainText("✗");
  // A cell says what the design allows, apart from whether the database agreed: 0 rows reads "denied", never as allowed.
  const projects = matrix.getByRole("table").first();
  const viewerDelete = projects.getByRole("button", { name: /^delete as viewer of org A: denied \(0 of \d+ rows\); the database agreed$/ });
  await expect(viewerDelete).toContainText("denied");
  await expect(projects.getByRole("button", { name: /^select as owner of org A: partly \d+\/\d+ rows; the database agreed$/ })).toBeVisible();
  await expect(projects.getByRole("button", { name: /^insert as signed-out visitor: denied \(0 of \d+ new rows\); the database agreed$/ })).toBeVisible();
  // Keyboard: a cell opens its rows and statement, and explains itself row by row.
  const ownerUpdate = projects.getByRole("button", { name: /^update as owner of org A: / });
  await ownerUpdate.focus();
  await page.keyboard.press("Enter");
  await expect(ownerUpdate).toHaveAttribute("aria-expanded", "true");
  const cell = matrix.getByRole("region", { name: "Cell projects / owner of org A / update" });
  await expect(cell.getByLabel("Statement")).toContainText('UPDATE public."projects" SET');
  await expect(cell).toContainText("Allowed rows");
  await cell.getByRole("button", { name: "Explain row by row" }).click();
  const explanation = cell.getByRole("region", { name: "Explanation" });
  await expect(explanation).toContainText("allowed by the design", { timeout: 30_000 });
  await expect(explanation).toContainText("refused by the design");
  await expect(explanation).not.toContainText("MISMATCH");
  await cell.getByRole("button", { name: "Close cell" }).click();
  await expect(ownerUpdate).toHaveAttribute("aria-expanded", "false");

  // The plan reads the database again: nothing is left to apply, and applying again only verifies.
  await expect(plan).toContainText("Nothing to apply: all 5 migrations are already applied", { timeout: 30_000 });
  await applyNow.click();
  await expect(progress).toContainText("nothing to apply: 5 migrations were already applied", { timeout: 60_000 });
  await expect(progress).toHaveText(/nothing to apply to PGlite in .*; verified$/, { timeout: 60_000 });

  // A changed design is the next version of what the database holds: just the change is applied.
  await panel.getByRole("button", { name: "Close" }).click();
  await expect(panel).toBeHidden();
  await page.getByRole("checkbox", { name: "viewer insert" }).check();
  await openApply(page);
  await expect(progress).toBeHidden();
  await expect(plan).toContainText("1 of 6 migrations to apply", { timeout: 30_000 });
  await expect(plan.getByRole("row", { name: /0005_v2/ })).toContainText(/to apply/);
  await expect(plan).toContainText("this database holds version 1 of this design: the change is applied as version 2");
  // Viewers may now insert: a change that widens access waits for an explicit yes.
  await expect(plan.getByRole("list", { name: "Access the change newly allows" })).toContainText("viewer of org A may now insert into");
  await expect(applyNow).toBeDisabled();
  await plan.getByRole("checkbox", { name: "I understand this widens access" }).check();
  await expect(applyNow).toBeEnabled();
  await applyNow.click();
  await expect(progress).toContainText("applied 1 migration: 0005_v2", { timeout: 60_000 });
  await expect(progress).toHaveText(/applied 1 migration to PGlite in .*; verified$/, { timeout: 90_000 });
  await expect(matrix).not.toContainText("✗");

  // Emptying the embedded database still starts afresh.
  await plan.getByRole("button", { name: "Empty the embedded database" }).click();
  await plan.getByRole("button", { name: "Cancel" }).click();
  await plan.getByRole("button", { name: "Empty the embedded database" }).click();
  await plan.getByRole("button", { name: "Yes, empty it" }).click();
  await expect(plan).toContainText(/Emptied the embedded database \(dropped schemas .*public/);
  await expect(plan).toContainText("5 of 5 migrations to apply", { timeout: 30_000 });
  await applyNow.click();
  await expect(progress).toHaveText(/applied 5 migrations to PGlite in .*; verified$/, { timeout: 90_000 });
});

test("applies to a fresh PostgreSQL database by URL; the password never comes back, and is stored only while remembered", async ({ page }) => {
  test.skip(!adminUrl, "DATABASE_URL is not set: no PostgreSQL server to apply to");
  test.setTimeout(180_000);
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch {
    test.skip(true, `no PostgreSQL answers at ${adminUrl}`);
  }
  const name = `rlsd_e2e_apply_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  // The server trusts local connections, so this password is ignored, yet it must never be sent back.
  const password = `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const url = new URL(adminUrl!);
  url.username ||= "postgres";
  url.password = url.password || password;
  url.pathname = `/${name}`;
  const secret = decodeURIComponent(url.password);
  const bodies: Promise<{ url: string; body: string }>[] = [];
  page.on("response", (response) => {
    bodies.push(
      response
        .body()
        .then((b) => ({ url: response.url(), body: b.toString("utf8") }))
        .catch(() => ({ url: response.url(), body: "" })),
    );
  });

  try {
    await openDesigner(page);
    await startFrom(page, "Template: todos");
    const { panel, plan, progress, matrix, applyNow } = await openApply(page);
    await panel.getByRole("radio", { name: "PostgreSQL URL" }).check();
    await expect(applyNow).toBeDisabled();
    const box = panel.getByRole("textbox", { name: "Connection string" });
    await expect(box).toHaveAttribute("type", "password");
    await box.fill(url.toString());
    await panel.getByRole("button", { name: "Plan" }).click();
    await expect(plan).toContainText(/\d+ of \d+ migrations to apply/, { timeout: 30_000 });
    // The destination as user@host:port/database: the password left out, not masked.
    await expect(plan).toContainText(`${url.username}@127.0.0.1:5432/${name}`);
    await expect(plan).not.toContainText("***");

    await applyNow.click();
    await expect(progress).toHaveText(new RegExp(`applied \\d+ migrations to ${url.username}@127\\.0\\.0\\.1:5432/${name}; verified$`), { timeout: 90_000 });
    await expect(matrix.getByRole("table")).toHaveCount(1);
    await expect(matrix).not.toContainText("✗");
    await expect(plan).toContainText(/Nothing to apply/, { timeout: 30_000 });

    // The database holds what the design says.
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const policies = await check.query("select count(*)::int as n from pg_policies where tablename = 'todos'");
    await check.end();
    expect(policies.rows[0].n).toBeGreaterThan(0);

    // Remembered only while ticked; never in the design or the autosave.
    const stored = () => page.evaluate(() => ({ ...localStorage }));
    expect(JSON.stringify(await stored())).not.toContain(secret);
    await panel.getByRole("checkbox", { name: "Remember on this device" }).check();
    expect(Object.values(await stored())).toContain(url.toString());
    await panel.getByRole("checkbox", { name: "Remember on this device" }).uncheck();
    expect(JSON.stringify(await stored())).not.toContain(secret);
    expect(JSON.stringify(await currentDesign(page))).not.toContain(secret);
    expect(page.url()).not.toContain(secret);

    const received = await Promise.all(bodies);
    expect(received.some((r) => r.url.endsWith("/api/apply"))).toBe(true);
    expect(received.filter((r) => r.body.includes(secret)).map((r) => r.url)).toEqual([]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
});

test("an invalid design cannot be applied, and says why", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: todos");
  await page.getByRole("textbox", { name: "Table name" }).fill("");
  const { panel, applyNow } = await openApply(page);
  await expect(applyNow).toBeDisabled();
  await expect(panel.getByRole("button", { name: "Plan" })).toBeDisabled();
  await expect(panel.getByText(/The design has \d+ problems?: fix/)).toBeVisible();
});

test("a destination that does not answer shows the failed step, its fix, and never the password", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: todos");
  const { panel, applyNow } = await openApply(page);
  await panel.getByRole("radio", { name: "PostgreSQL URL" }).check();
  await panel.getByRole("textbox", { name: "Connection string" }).fill("postgres://someone:s3cret-pass@127.0.0.1:1/nowhere");
  await panel.getByRole("button", { name: "Plan" }).click();
  await expect(panel).toContainText(/Nothing answers/, { timeout: 30_000 });
  await expect(panel).not.toContainText("s3cret-pass");
  await expect(applyNow).toBeDisabled();
});
