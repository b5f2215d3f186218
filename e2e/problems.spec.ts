import { expect, openDesigner, startFrom, test } from "./fixtures/test";

test("invalid input shows its message beside the field and in the problem list; the preview stays, marked stale", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  const preview = page.getByRole("region", { name: "SQL preview" });
  await expect(preview.getByText("Valid")).toBeVisible();

  const defaultBox = page.getByRole("combobox", { name: "Default" }).nth(3);
  await defaultBox.fill("yesterday()");
  await expect(defaultBox).toHaveAttribute("aria-invalid", "true");
  const message = /"yesterday\(\)" is not an allowed default/;
  await expect(page.getByRole("main").getByText(message)).toBeVisible();
  await expect(preview.getByRole("region", { name: "Problems" }).getByText(message)).toBeVisible();
  await expect(preview.getByText(/1 problem: preview stale, download waits/)).toBeVisible();
  // The table with the problem shows its last valid SQL; the other table stays current.
  await expect(preview.getByRole("status").filter({ hasText: /Stale: table "projects" shows its last valid SQL/ })).toBeVisible();
  await expect(preview.locator(".monaco-editor").first()).toBeVisible();
  const download = page.getByRole("button", { name: "Download bundle" });
  await expect(download).toBeDisabled();
  await expect(download).toHaveAccessibleDescription(/Download waits until the design's 1 problem is fixed/);
  await download.click({ force: true });
  await expect(page.getByText(/Download waits until the design's 1 problem is fixed/).first()).toBeVisible();

  // A table name that is already taken: choosing the problem in the list opens the table it is
  // reported on (the second "documents") and focuses the field; undo takes the rename back.
  await page.getByRole("textbox", { name: "Table name" }).fill("documents");
  await page.getByRole("button", { name: /table "documents" is defined twice/ }).click();
  await expect(page.getByRole("textbox", { name: "Table name" })).toBeFocused();
  await expect(page.getByText("Table 2 of 2")).toBeVisible();
  await page.keyboard.press("Control+z");
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("projects");
  await expect(page.getByText("Table 1 of 2")).toBeVisible();

  await defaultBox.fill("now()");
  await expect(defaultBox).not.toHaveAttribute("aria-invalid", "true");
  await expect(preview.getByText("Valid")).toBeVisible();
  await expect(preview.locator(".monaco-editor").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Download bundle" })).toBeEnabled();
});
