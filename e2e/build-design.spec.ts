import { compileDesign } from "@/lib/compiler";
import { currentDesign, expect, openDesigner, previewedFiles, previewFiles, startFrom, test } from "./fixtures/test";

test("builds a design from an empty page through the forms and sees its policies in the preview", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "New empty design");
  await expect(page.getByRole("listitem").filter({ hasText: "No tables yet" })).toBeVisible();

  // Project: organizations come from the token; two roles.
  await page.getByRole("button", { name: /^Project/ }).click();
  await page.getByRole("textbox", { name: "Project name" }).fill("tracker");
  await page.getByRole("radio", { name: /Claims/ }).check();
  await page.getByRole("button", { name: "Add role" }).click();
  await page.getByRole("textbox", { name: "Role name" }).nth(0).fill("admin");
  await page.getByRole("button", { name: "Add role" }).click();
  await page.getByRole("textbox", { name: "Role name" }).nth(1).fill("member");

  // A new table starts valid: the design has tenancy, so its firewall is the organization, with its column.
  await page.getByRole("button", { name: "Add table" }).click();
  const preview = page.getByRole("region", { name: "SQL preview" });
  await expect(preview.getByText("Valid", { exact: true })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Organization" })).toBeChecked();
  await expect(page.getByRole("textbox", { name: "Column name" }).nth(1)).toHaveValue("organization_id");
  await expect(page.getByRole("combobox", { name: "Organization column" })).toHaveValue("organization_id");
  // Focus moves to the new field: the table's name after Add table, the column's name after Add column.
  await expect(page.getByRole("textbox", { name: "Table name" })).toBeFocused();
  await page.getByRole("textbox", { name: "Table name" }).fill("tasks");
  await page.getByRole("button", { name: "Add column" }).click();
  await expect(page.getByRole("textbox", { name: "Column name" }).nth(2)).toBeFocused();
  await page.getByRole("textbox", { name: "Column name" }).nth(2).fill("title");
  await page.getByRole("checkbox", { name: "Not null" }).nth(2).check();
  await page.getByRole("button", { name: "Add column" }).click();
  await page.getByRole("textbox", { name: "Column name" }).nth(3).fill("done");
  await page.getByRole("combobox", { name: "Column type" }).nth(3).fill("boolean");
  await page.getByRole("combobox", { name: "Column type" }).nth(3).press("Enter");
  await page.getByRole("combobox", { name: "Default" }).nth(3).fill("false");

  // Access ticks.
  await page.getByRole("checkbox", { name: "admin select", exact: true }).check();
  await page.getByRole("checkbox", { name: "member select", exact: true }).check();
  await page.getByRole("checkbox", { name: "admin insert", exact: true }).check();
  await page.getByRole("checkbox", { name: "admin update", exact: true }).check();
  await page.getByRole("checkbox", { name: "admin delete", exact: true }).check();
  await page.getByRole("button", { name: "Add update where condition" }).click();
  await page.getByRole("combobox", { name: "update where 1 column" }).selectOption("done");
  await page.getByRole("combobox", { name: "update where 1 value" }).selectOption("false");

  await expect(page.getByRole("button", { name: "Download bundle" })).toBeEnabled();
  await expect(preview.getByText(/preview stale/)).toBeHidden();

  const files = await previewFiles(page);
  const policies = Object.entries(files).find(([path]) => path.endsWith("_policies.sql"))?.[1] ?? "";
  // One select rule: its roles are part of the select firewall (one restrictive policy per command).
  expect(policies).toMatch(/CREATE POLICY "tasks_firewall_select" ON public\."tasks"\s+AS RESTRICTIVE FOR SELECT TO "authenticated"\s+USING \("organization_id" = \(select "rls"\.bypass_organization_id\(ARRAY\['admin', 'member'\]/);
  expect(policies).toContain('CREATE POLICY "tasks_firewall_update" ON public."tasks"');
  expect(policies).toMatch(/CREATE POLICY "tasks_select" ON public\."tasks"\s+AS PERMISSIVE FOR SELECT TO "authenticated"/);
  expect(policies).toMatch(/ARRAY\['admin', 'member'\]/);
  expect(policies).toMatch(/CREATE POLICY "tasks_update"[^;]*"done" = false/);
  expect(policies).not.toContain('"tasks_anonymous_select"');

  // The preview shows exactly what the compiler makes of the design the page holds.
  const design = await currentDesign(page);
  expect(design).toMatchObject({
    name: "tracker",
    auth: { tenancy: { source: "claims" } },
    roles: ["admin", "member"],
    tables: [{ name: "tasks", firewall: { organization: { column: "organization_id" } }, access: { select: { roles: ["admin", "member"] } } }],
  });
  const compiled = compileDesign(design);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  expect(files).toEqual(previewedFiles(compiled.bundle));

  // And the editor on screen shows the policies file.
  await expect(page.getByRole("tab", { name: /_policies\.sql/ })).toHaveAttribute("aria-selected", "true");
  await expect(preview.locator(".view-lines")).toContainText(/CREATE\sPOLICY/);

  // The pgTAP tests are written when their tab is opened, and then they are the compiler's too.
  const tests = compiled.bundle.find((f) => f.onDemand)!;
  await page.getByRole("tab", { name: /rls\.test\.sql/ }).click();
  await expect.poll(async () => (await previewFiles(page))[tests.path]).toBe(tests.contents);
  await expect(preview.locator(".view-lines")).toContainText(/pgTAP/);
});
