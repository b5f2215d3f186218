import type { Page } from "@playwright/test";
import { compileDesign } from "@/lib/compiler";
import type { Design } from "@/lib/design";
import { currentDesign, expect, openDesigner, previewedFiles, previewFiles, startFrom, test } from "./fixtures/test";

/** Target and provider pickers: switching keeps the design and changes only the output. */

const tabs = (page: Page, prefix: string) => page.locator(`[role="tab"][title^="${prefix}"]`);

/** Waits until the preview shows exactly what the compiler makes of the design the page holds. */
async function expectPreviewOf(page: Page, design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const expected = previewedFiles(result.bundle);
  await expect.poll(() => previewFiles(page)).toEqual(expected);
  return expected;
}

test("switching the target neon → supabase → postgres keeps the tables and access, and changes only the files", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await page.getByRole("button", { name: /^Project/ }).click();
  const target = page.getByRole("combobox", { name: "Target" });
  await expect(target).toHaveValue("neon");
  const neon = await currentDesign(page);
  const neonFiles = await expectPreviewOf(page, neon);
  expect(Object.keys(neonFiles).some((p) => p.startsWith("drizzle/"))).toBe(true);
  await expect(tabs(page, "drizzle/").first()).toBeVisible();

  await target.selectOption("supabase");
  await expect(tabs(page, "supabase/migrations/").first()).toBeVisible();
  await expect(tabs(page, "drizzle/")).toHaveCount(0);
  const supabase = await currentDesign(page);
  expect(supabase).toEqual({ ...neon, target: "supabase" });
  const supabaseFiles = await expectPreviewOf(page, supabase);
  expect(Object.keys(supabaseFiles).some((p) => /^supabase\/migrations\/\d{14}_\w+\.sql$/.test(p))).toBe(true);
  expect(Object.keys(supabaseFiles).some((p) => p.startsWith("drizzle/"))).toBe(false);

  // Clerk's ids in text user columns: the policies compare the token's sub as text, nothing to warn about.
  const main = page.getByRole("main");
  const warningText = /documents: column "user_id" is text, but Supabase Auth user ids are uuids/;
  await expect(main.getByText(/is text, but Supabase/)).toHaveCount(0);
  // With Supabase Auth (uuid ids), text user columns draw a warning in amber, beside its field.
  const provider = page.getByRole("combobox", { name: "Auth provider" });
  await provider.selectOption("supabase");
  const warning = main.getByRole("listitem").filter({ hasText: warningText });
  await expect(warning).toBeVisible();
  const amber = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--warn").trim());
  expect(amber).toMatch(/^#/);
  await expect(warning).toHaveCSS("color", hexToRgb(amber));
  await warning.getByRole("button", { name: "Show in documents" }).click();
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
  await expect(main.getByText(/column "user_id" is text, but Supabase Auth user ids are uuids/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Warnings" })).toBeVisible();

  await page.getByRole("button", { name: /^Project/ }).click();
  await provider.selectOption("clerk");
  await expect(main.getByText(/is text, but Supabase/)).toHaveCount(0);
  await target.selectOption("postgres");
  await expect(tabs(page, "drizzle/").first()).toBeVisible();
  await expect(tabs(page, "supabase/")).toHaveCount(0);
  const postgres = await currentDesign(page);
  expect(postgres).toEqual({ ...neon, target: "postgres" });
  const postgresFiles = await expectPreviewOf(page, postgres);
  expect(postgresFiles).not.toEqual(neonFiles);
  expect(Object.keys(postgresFiles).some((p) => p.startsWith("drizzle/"))).toBe(true);
  await expect(main.getByText(/Supabase Auth user ids/)).toHaveCount(0);

  await target.selectOption("neon");
  expect(await currentDesign(page)).toEqual(neon);
  await expectPreviewOf(page, neon);
});

test("provider presets: the JWKS hint follows the provider, and its claims are used only when asked", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await page.getByRole("button", { name: /^Project/ }).click();
  const jwks = page.getByRole("textbox", { name: "JWKS URL" });
  await expect(jwks).toHaveAttribute("placeholder", "https://{your-clerk-frontend-api}/.well-known/jwks.json");
  await expect(page.getByText(/Where to find it: Clerk Dashboard/)).toBeVisible();

  await page.getByRole("combobox", { name: "Auth provider" }).selectOption("workos");
  await expect(jwks).toHaveAttribute("placeholder", "https://api.workos.com/sso/jwks/{your-client-id}");
  // Switching the provider keeps the user's claims...
  await expect(page.getByRole("textbox", { name: "Organization claim" })).toHaveValue("org_id");
  await expect(page.getByRole("textbox", { name: "Role claim" })).toHaveValue("org_role");
  // ...and offers the provider's, one click away.
  await page.getByRole("button", { name: "Use WorkOS's claims" }).click();
  await expect(page.getByRole("textbox", { name: "Role claim" })).toHaveValue("role");
  await expect(page.getByRole("group", { name: "WorkOS's tenancy" })).toContainText("In use");
  expect((await currentDesign(page)).auth).toEqual({ provider: "workos", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "role" } });

  await page.getByRole("combobox", { name: "Auth provider" }).selectOption("clerk");
  await expect(page.getByRole("textbox", { name: "Role claim" })).toHaveValue("role");
  await page.getByRole("button", { name: "Use Clerk's claims" }).click();
  await expect(page.getByRole("textbox", { name: "Organization claim" })).toHaveValue("o.id");
  await expect(page.getByRole("textbox", { name: "Role claim" })).toHaveValue("o.rol");
  await page.keyboard.press("Control+z");
  await expect(page.getByRole("textbox", { name: "Role claim" })).toHaveValue("role");
});

function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
