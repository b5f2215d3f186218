import { expectAccessible } from "./fixtures/axe";
import { emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * View as: a template applied to the embedded database, then seen as one of verify's principals,
 * and a statement run as it and rolled back. The fixture fails the test on any request that
 * leaves localhost.
 */
test("views the embedded database as a principal, explains a cell, and runs a statement as it, rolled back", async ({ page }) => {
  test.setTimeout(180_000);
  await openDesigner(page);
  await startFrom(page, "Template: todos");
  expect(await emptyEmbedded(page)).toBe(200);

  await page.getByRole("button", { name: "Apply", exact: true }).click();
  const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
  await panel.getByRole("button", { name: "Apply now" }).click({ timeout: 30_000 });
  await expect(panel.getByRole("region", { name: "Apply progress" })).toHaveText(/verified$/, { timeout: 90_000 });

  await panel.getByRole("button", { name: "View as…" }).click();
  const viewAs = panel.getByRole("region", { name: "View as" });
  await viewAs.getByLabel("Principal").selectOption("user A");
  await viewAs.getByRole("button", { name: "Show rows" }).click();
  const rows = viewAs.getByRole("region", { name: "todos rows" });
  await expect(rows.getByRole("row")).not.toHaveCount(0, { timeout: 30_000 });
  // Some rows user A may select and some not, and each agrees with the design.
  await expect(rows.locator('button[data-op="select"][data-may="yes"]').first()).toBeVisible();
  await expect(rows.locator('button[data-op="select"][data-may="no"]').first()).toBeVisible();
  await expect(rows.getByRole("button", { name: /the design says otherwise/ })).toHaveCount(0);
  await expect(viewAs).toContainText(/sample inserts pass/);

  // A cell explains itself.
  await rows.locator('button[data-op="delete"][data-may="no"]').first().click();
  await expect(viewAs.getByRole("list", { name: "Rows explained" })).toBeVisible({ timeout: 30_000 });

  // The rows, their edit buttons, the sample inserts and their "why" buttons, the explanation: AA in light and dark.
  for (const samples of await viewAs.locator("details").all()) await samples.locator("summary").click();
  await expect(viewAs.getByRole("button", { name: "why" }).first()).toBeVisible();
  await expect(rows.getByRole("button", { name: /^Edit row / }).first()).toBeVisible();
  await expectAccessible(page, "playground, rows and an explanation");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expectAccessible(page, "playground, rows and an explanation (dark)");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);

  // A statement as the principal: the rows it sees; a delete, rolled back; an escape, refused.
  const sql = viewAs.getByLabel("SQL statement");
  const runIt = viewAs.getByRole("button", { name: "Run as principal" });
  const visible = await rows.locator('button[data-op="select"][data-may="yes"]').count();
  await sql.fill("SELECT current_user AS who, count(*) AS n FROM public.todos");
  await runIt.click();
  const result = viewAs.getByTestId("statement-result");
  await expect(result).toContainText("authenticated", { timeout: 30_000 });
  await expect(result.getByRole("cell").nth(1)).toHaveText(String(visible));
  await sql.fill("DELETE FROM public.todos");
  await runIt.click();
  await expect(result).toContainText(/rows? as authenticated; rolled back, nothing kept/, { timeout: 30_000 });
  await sql.fill("SELECT count(*) AS n FROM public.todos");
  await runIt.click();
  await expect(result.getByRole("cell").first()).toHaveText(String(visible), { timeout: 30_000 });
  await sql.fill("SELECT set_config('role', 'postgres', false)");
  await runIt.click();
  await expect(viewAs.getByTestId("statement-error")).toContainText(/42501.*permission denied for function set_config/, { timeout: 30_000 });
  await sql.fill("COMMIT");
  await runIt.click();
  await expect(viewAs.getByTestId("statement-error")).toContainText("Not run");

  // A statement that never ends (PGlite ignores statement_timeout): stopped at the deadline
  // (2 s here, playwright.config.ts), the embedded database restarted, and the next one runs.
  await sql.fill("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r) SELECT count(*) FROM r");
  const started = Date.now();
  await runIt.click();
  await expect(viewAs.getByTestId("statement-error")).toContainText(
    /Error 57014: canceling statement due to statement timeout: it ran over 2 s; the embedded database was restarted/,
    { timeout: 30_000 },
  );
  expect(Date.now() - started).toBeLessThan(2000 + 5000);
  await sql.fill("select 1 as one");
  await runIt.click();
  await expect(result).toContainText("1 row as authenticated", { timeout: 30_000 });
  await expect(result.getByRole("cell").first()).toHaveText("1");
});
