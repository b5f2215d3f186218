import { readFileSync } from "node:fs";
import { currentDesign, expect, openDesigner, previewFiles, startFrom, test, waitForPreview } from "./fixtures/test";

test("a reload restores the design, the open table and the preview", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: blog");
  await page.getByRole("textbox", { name: "Table name" }).fill("articles");
  await page.getByRole("button", { name: "Add column" }).click();
  await page.getByRole("textbox", { name: "Column name" }).last().fill("slug");
  await page.getByRole("checkbox", { name: "Signed-out visitors may add rows" }).check();
  const before = await currentDesign(page);

  await page.reload();
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("articles");
  await expect(page.getByRole("textbox", { name: "Column name" }).last()).toHaveValue("slug");
  await expect(page.getByRole("checkbox", { name: "Signed-out visitors may add rows" })).toBeChecked();
  expect(await currentDesign(page)).toEqual(before);
  await waitForPreview(page);
  const files = await previewFiles(page);
  expect(Object.values(files).join("\n")).toContain('public."articles"');
});

test("a share link carries the design to a fresh browser, and import reads an exported file", async ({ page, browser }) => {
  await openDesigner(page);
  await startFrom(page, "Template: todos");
  await page.getByRole("textbox", { name: "Table name" }).fill("chores");
  const design = await currentDesign(page);

  await page.getByRole("button", { name: "Share", exact: true }).click();
  // The link is made once the compressor has loaded (on demand).
  await expect(page.getByRole("textbox", { name: "Share link" })).toHaveValue(/#design=/);
  const link = await page.getByRole("textbox", { name: "Share link" }).inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#design=[\w-]+$/);
  await page.keyboard.press("Escape");

  const other = await browser.newContext();
  const visitor = await other.newPage();
  const errors: string[] = [];
  visitor.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await visitor.goto(link);
  await expect(visitor.getByRole("textbox", { name: "Table name" })).toHaveValue("chores");
  expect(new URL(visitor.url()).hash).toBe("");
  expect(await currentDesign(visitor)).toEqual(design);
  expect(errors).toEqual([]);
  await other.close();

  // Export, change the design, then import the exported file back.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  const exported = readFileSync(await download.path(), "utf8");
  await startFrom(page, "Template: saas");
  await expect(page.getByRole("button", { name: "documents", exact: true })).toBeVisible();
  await page.getByLabel("Design file to import").setInputFiles({ name: "design.json", mimeType: "application/json", buffer: Buffer.from(exported) });
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("chores");
  expect(await currentDesign(page)).toEqual(design);

  // A file that is not a design is refused with a message, and the design stays as it was.
  await page.getByLabel("Design file to import").setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await expect(page.getByRole("status")).toContainText("notes.json is not a design file");
  expect(await currentDesign(page)).toEqual(design);
});
