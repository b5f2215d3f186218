import { compileDesign } from "@/lib/compiler";
import type { Design } from "@/lib/design";
import { currentDesign, expect, openDesigner, previewedFiles, previewFiles, startFrom, test } from "./fixtures/test";

/**
 * Spec §4 in the designer: a second update rule limited to some columns, a firewall through a
 * parent, sharing a table; the SQL preview follows each edit and Ctrl+Z takes each back. The
 * fixture's guard also fails the test on any request that leaves localhost; this test collects
 * the requests itself as well, to say so where it matters.
 */

const all = (files: Record<string, string>) => Object.values(files).join("\n");

async function expectPreviewOf(page: import("@playwright/test").Page, design: Design) {
  const compiled = compileDesign(design);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const expected = previewedFiles(compiled.bundle);
  await expect.poll(() => previewFiles(page)).toEqual(expected);
}

test("rule lists, a parent firewall and sharing, edited by accessible name, with the preview following and undo", async ({ page, context }) => {
  const requested: string[] = [];
  context.on("request", (request) => requested.push(request.url()));
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await page.getByRole("navigation", { name: "Design" }).getByRole("button", { name: "documents", exact: true }).click();
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
  const before = await currentDesign(page);
  const sqlBefore = all(await previewFiles(page));

  // 1. A second update rule (added from the keyboard), limited to the title column.
  const updateRules = page.getByRole("group", { name: "update rules" });
  await expect(updateRules).toContainText("allowed when this rule admits");
  await page.getByRole("button", { name: "Add update rule" }).focus();
  await page.keyboard.press("Enter");
  await expect(updateRules).toContainText("allowed when any rule admits");
  // The new rule admits the first role no rule admitted; the matrix shows it, and the first rule keeps its conditions.
  await expect(page.getByRole("checkbox", { name: "update rule 2 viewer" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "viewer update", exact: true })).toBeChecked();
  await expect(page.getByRole("combobox", { name: "update rule 1 where 1 column" })).toHaveValue("status");
  await page.getByRole("checkbox", { name: "update rule 2 only some columns" }).check();
  for (const column of ["organization_id", "user_id", "project_id", "status"]) await page.getByRole("checkbox", { name: `update rule 2 may change ${column}` }).uncheck();
  await expect(page.getByRole("checkbox", { name: "update rule 2 may change title" })).toBeChecked();
  let design = await currentDesign(page);
  expect(design.tables[1]!.access?.update).toEqual([before.tables[1]!.access?.update, { roles: ["viewer"], columns: ["title"] }]);
  await expectPreviewOf(page, design);
  const sqlRules = all(await previewFiles(page));
  expect(sqlRules).not.toBe(sqlBefore);
  expect(sqlRules).toMatch(/no update rule of % admits this change/);

  // 2. The firewall goes through the parent project.
  await page.getByRole("checkbox", { name: "Parent firewall" }).check();
  await expect(page.getByRole("combobox", { name: "Parent column" })).toHaveValue("project_id");
  await expect(page.getByRole("checkbox", { name: "Organization firewall" })).not.toBeChecked();
  design = await currentDesign(page);
  expect(design.tables[1]!.firewall).toEqual({ parent: { column: "project_id" } });
  await expectPreviewOf(page, design);
  const sqlParent = all(await previewFiles(page));
  expect(sqlParent).not.toBe(sqlRules);

  // 3. Share the documents: the sharing table and a select rule, in one step.
  await page.getByRole("button", { name: "Share rows with users" }).click();
  const tables = page.getByRole("list", { name: "Tables" });
  await expect(tables.getByRole("button", { name: "documents_shares", exact: true })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "select rule 2 shared through" })).toHaveValue("documents_shares");
  await expect(page.getByRole("group", { name: "select rules" })).toContainText("allowed when any rule admits");
  design = await currentDesign(page);
  expect(design.tables[2]).toMatchObject({ name: "documents_shares", firewall: { parent: { column: "document_id" } } });
  await expectPreviewOf(page, design);
  expect(all(await previewFiles(page))).toMatch(/CREATE TABLE public\."documents_shares"/);

  // Undo: the share (table and rule) in one step, then the parent firewall, then the columns.
  await page.keyboard.press("Control+z");
  await expect(tables.getByRole("button", { name: "documents_shares", exact: true })).toHaveCount(0);
  await expect(page.getByRole("group", { name: "select rules" })).toContainText("allowed when this rule admits");
  await expect.poll(async () => all(await previewFiles(page))).toBe(sqlParent);
  await page.keyboard.press("Control+z");
  await expect(page.getByRole("checkbox", { name: "Organization firewall" })).toBeChecked();
  await expect.poll(async () => all(await previewFiles(page))).toBe(sqlRules);
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(page.getByRole("checkbox", { name: "Parent firewall" })).toBeChecked();

  expect(requested.filter((url) => !/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:|about:)/.test(url))).toEqual([]);
});
