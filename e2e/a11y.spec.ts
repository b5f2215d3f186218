import type { Page } from "@playwright/test";
import { expectAccessible } from "./fixtures/axe";
import { emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * Every screen the designer has (light and dark, and in a 390 px window: its panels, its menus,
 * the preview's changes view) passes axe-core's WCAG 2.1 A and AA rules with no serious or
 * critical violation (e2e/fixtures/axe.ts prints each violation with its selector). A new screen
 * (the canvas, the playground, the database check view) adds one `expectAccessible` line here.
 */

async function openTable(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Design" }).getByRole("button", { name, exact: true }).click();
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue(name);
}

async function designerScreens(page: Page, suffix: string) {
  await startFrom(page, "Template: saas");
  await page.getByRole("button", { name: /^Project/ }).click();
  await expect(page.getByRole("main", { name: "Project settings" })).toBeVisible();
  await expectAccessible(page, `designer, project panel${suffix}`);

  await openTable(page, "documents");
  await expect(page.getByRole("region", { name: "SQL preview" }).locator(".view-lines")).toContainText(/documents/);
  await expectAccessible(page, `designer, table editor${suffix}`);

  await page.getByRole("button", { name: "New", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "New" })).toBeVisible();
  await expectAccessible(page, `New menu${suffix}`);
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Share", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Share" })).toBeVisible();
  await expectAccessible(page, `Share menu${suffix}`);
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Designs", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Designs" })).toBeVisible();
  await expectAccessible(page, `Designs menu${suffix}`);
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Existing database", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Existing database" })).toBeVisible();
  await expectAccessible(page, `Existing database menu${suffix}`);
  await page.keyboard.press("Escape");

  // An invalid design: the problems list takes the preview's place.
  await page.getByRole("textbox", { name: "Table name" }).fill("");
  await expect(page.getByRole("region", { name: "Problems" })).toBeVisible();
  await expectAccessible(page, `designer, problems${suffix}`);
  await page.keyboard.press("Control+z");

  // The preview's Changes view: the SQL diff and the access changes since a download.
  await openTable(page, "projects");
  await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bundle" }).click()]);
  await page.getByRole("checkbox", { name: "viewer delete" }).check();
  const preview = page.getByRole("region", { name: "SQL preview" });
  await expect(preview.getByText(/\d+ changed since the last download/)).toBeVisible();
  await preview.getByRole("button", { name: "Changes" }).click();
  await expect(page.locator(".monaco-diff-editor")).toBeVisible();
  await expect(page.getByRole("region", { name: "Access changes since the last download" })).toContainText(/may now delete from projects/);
  await expectAccessible(page, `preview, changes since the download${suffix}`);
  await preview.getByRole("button", { name: "File", exact: true }).click();

  await startFrom(page, "New empty design");
  await expect(page.getByText("No tables yet.")).toBeVisible();
  await expectAccessible(page, `designer, empty design${suffix}`);
}

for (const scheme of ["light", "dark"] as const) {
  test(`the designer's screens have no serious accessibility violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openDesigner(page);
    await expect(page.locator("html")).toHaveClass(scheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
    await designerScreens(page, scheme === "dark" ? " (dark)" : "");
  });
}

test("the Apply dialog has no serious accessibility violation: plan, result with the access matrix, failure (light and dark)", async ({ page }) => {
  test.setTimeout(150_000);
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  expect(await emptyEmbedded(page)).toBe(200);
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
  await expect(panel.getByRole("region", { name: "Plan" })).toContainText("5 of 5 migrations to apply", { timeout: 30_000 });
  await expectAccessible(page, "Apply dialog, plan");

  await panel.getByRole("button", { name: "Apply now" }).click();
  await expect(panel.getByRole("region", { name: "Apply progress" })).toHaveText(/verified$/, { timeout: 90_000 });
  await expect(panel.getByRole("region", { name: "Access matrix" })).toBeVisible();
  await expectAccessible(page, "Apply dialog, result");
  // A matrix cell opened, with its row-by-row explanation.
  const matrix = panel.getByRole("region", { name: "Access matrix" });
  await matrix.getByRole("button", { name: /^update as owner of org A: / }).first().click();
  await matrix.getByRole("button", { name: "Explain row by row" }).click();
  await expect(matrix.getByRole("region", { name: "Explanation" })).toBeVisible({ timeout: 30_000 });
  await expectAccessible(page, "Apply dialog, matrix cell explained");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expectAccessible(page, "Apply dialog, result (dark)");
  await page.emulateMedia({ colorScheme: "light" });

  await panel.getByRole("radio", { name: "PostgreSQL URL" }).check();
  await panel.getByRole("textbox", { name: "Connection string" }).fill("postgres://someone:secret@127.0.0.1:1/nowhere");
  await panel.getByRole("button", { name: "Plan" }).click();
  await expect(panel).toContainText(/Nothing answers/, { timeout: 30_000 });
  await expectAccessible(page, "Apply dialog, failure");
  await panel.getByRole("radio", { name: "Neon branch" }).check();
  await expectAccessible(page, "Apply dialog, Neon destination");
});

test("a 390 px window has no serious accessibility violation (designer and Apply dialog)", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await expectAccessible(page, "390 px, designer");
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
  await expect(panel.getByRole("region", { name: "Plan" })).toBeVisible();
  await expectAccessible(page, "390 px, Apply dialog");
});
