import type { Locator, Page } from "@playwright/test";
import { expect, openDesigner, startFrom, test } from "./fixtures/test";
import { expectAccessible } from "./fixtures/axe";
import { largeDesign } from "./fixtures/large-design";

/**
 * Everything the mouse does in the designer, the keyboard does, and the focused element shows a
 * focus ring (an outline, or a field's ring) drawn because the keyboard moved there.
 */

async function expectVisibleFocus(target: Locator) {
  await expect(target).toBeFocused();
  const ring = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return { focusVisible: el.matches(":focus-visible"), drawn: outline || style.boxShadow !== "none" };
  });
  expect(ring, "focus ring of the focused element").toEqual({ focusVisible: true, drawn: true });
}

async function focusedText(page: Page) {
  return page.evaluate(() => document.activeElement?.textContent ?? "");
}

test("the keyboard moves through and opens tables, reorders them and edits access and references, with a visible focus", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  const nav = page.getByRole("navigation", { name: "Design" });
  const tableName = page.getByRole("textbox", { name: "Table name" });

  // From the project entry, Tab reaches Add table, then the first table.
  await nav.getByRole("button", { name: /^Project/ }).focus();
  await page.keyboard.press("Tab");
  await expectVisibleFocus(nav.getByRole("button", { name: "Add table" }));
  await page.keyboard.press("Tab");
  await expectVisibleFocus(nav.getByRole("button", { name: "projects", exact: true }));

  // Arrows move between tables, Enter opens one.
  await page.keyboard.press("ArrowDown");
  const documents = nav.getByRole("button", { name: "documents", exact: true });
  await expectVisibleFocus(documents);
  await expect(documents).toHaveAttribute("aria-keyshortcuts", /Alt\+ArrowUp/);
  await page.keyboard.press("Enter");
  await expect(tableName).toHaveValue("documents");
  await expect(page.getByText("Table 2 of 2")).toBeVisible();

  // Alt+Up moves it (focus follows); Tab reaches the row's own move buttons, as the mouse does.
  await documents.focus();
  await page.keyboard.press("Alt+ArrowUp");
  await expect(page.getByText("Table 1 of 2")).toBeVisible();
  await expectVisibleFocus(documents);
  await page.keyboard.press("Tab");
  const moveDown = nav.getByRole("button", { name: "Move documents down" });
  await expectVisibleFocus(moveDown);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Table 2 of 2")).toBeVisible();

  // An access cell: Space ticks the box.
  const cell = page.getByRole("checkbox", { name: /^(any member|signed-in) delete$/ });
  const before = await cell.isChecked();
  await cell.focus();
  await expectVisibleFocus(cell);
  await page.keyboard.press("Space");
  await expect(cell).toBeChecked({ checked: !before });

  // A reference: the picker takes arrows like any select, and its on-delete choice appears.
  const references = page.getByRole("combobox", { name: "References" });
  const count = await page.getByRole("combobox", { name: "On delete" }).count();
  const unset = references.filter({ has: page.locator("option:checked", { hasText: "—" }) }).first();
  await unset.focus();
  await expectVisibleFocus(unset);
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("combobox", { name: "On delete" })).toHaveCount(count + 1);
});

test("a long table list: every row is a list item, the arrows cross its groups and reach rows far out of view", async ({ page }) => {
  await openDesigner(page);
  await page.getByLabel("Design file to import").setInputFiles({ name: "large.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(largeDesign(150))) });
  const list = page.getByRole("list", { name: "Tables" });
  // The rows are drawn in groups that the browser skips while out of view (content-visibility): all stay in the page.
  await expect(list.getByRole("listitem")).toHaveCount(150);
  await expectAccessible(page, "designer with 150 tables");
  const row = (n: number) => list.getByRole("button", { name: `${n % 2 === 0 ? "projects" : "documents"}_${String(n).padStart(3, "0")}`, exact: true });
  await row(18).focus();
  for (const n of [19, 20, 21]) {
    await page.keyboard.press("ArrowDown");
    await expectVisibleFocus(row(n));
  }
  await page.keyboard.press("ArrowUp");
  await expectVisibleFocus(row(20));
  // The last row, far below the fold: focused from the keyboard, scrolled into view, opened with Enter.
  await row(148).focus();
  await page.keyboard.press("ArrowDown");
  await expectVisibleFocus(row(149));
  await expect(row(149)).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents_149");
  await expect(page.getByText("Table 150 of 150")).toBeVisible();
});

test("the keyboard opens and closes the menus and the Apply dialog, switches preview files and follows a problem to its field", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");

  // The New menu: Enter opens it with focus inside, Escape closes it and focus goes back.
  const newButton = page.getByRole("button", { name: "New", exact: true });
  await newButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "New" })).toBeVisible();
  expect(await focusedText(page)).toContain("New empty design");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "New" })).toBeHidden();
  await expectVisibleFocus(newButton);

  // Preview files are tabs: arrows move between them.
  const preview = page.getByRole("region", { name: "SQL preview" });
  const first = preview.getByRole("tab", { selected: true });
  const firstName = await first.textContent();
  await first.focus();
  await expectVisibleFocus(first);
  await page.keyboard.press("ArrowRight");
  const second = preview.getByRole("tab", { selected: true });
  await expect(second).not.toHaveText(firstName ?? "");
  await expectVisibleFocus(second);

  // The Apply dialog: its shortcut opens it with focus on the destination, Escape closes it.
  await page.keyboard.press("Control+Enter");
  const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
  await expectVisibleFocus(panel.getByRole("radio", { name: "Embedded database" }));
  await page.keyboard.press("ArrowDown");
  await expect(panel.getByRole("radio", { name: "PostgreSQL URL" })).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();

  // A problem: Enter on it in the list puts the cursor in the field it is about.
  const tableName = page.getByRole("textbox", { name: "Table name" });
  await tableName.fill("");
  const problem = preview.getByRole("region", { name: "Problems" }).getByRole("button").first();
  await problem.focus();
  await expectVisibleFocus(problem);
  await page.keyboard.press("Enter");
  await expect(tableName).toBeFocused();
});

test("every control Tab reaches in the designer shows a focus ring", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await page.getByRole("navigation", { name: "Design" }).getByRole("button", { name: "documents", exact: true }).click();
  // Into the first control by the keyboard (Tab away and back), so it too is reached by keys.
  await page.getByRole("button", { name: "New", exact: true }).focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("button", { name: "New", exact: true })).toBeFocused();
  const seen: string[] = [];
  const unringed: string[] = [];
  for (let i = 0; i < 400; i++) {
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      // A radio or checkbox inside a card may ring the card (has-focus-visible) instead.
      const card = el.closest("label");
      const cardRing = !!card && getComputedStyle(card).outlineStyle !== "none";
      const name = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? "";
      return {
        id: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${name}"`,
        ringed: el.matches(":focus-visible") && (outline || style.boxShadow !== "none" || cardRing),
        // Monaco draws its own focus (the cursor and the editor's focus border).
        monaco: !!el.closest(".monaco-editor"),
      };
    });
    if (!focused) break;
    if (seen.length > 0 && focused.id === seen[0]) break;
    seen.push(focused.id);
    if (!focused.ringed && !focused.monaco) unringed.push(focused.id);
    await page.keyboard.press("Tab");
  }
  console.log(`Tab reached ${seen.length} controls`);
  expect(seen.length, "controls Tab reached").toBeGreaterThan(60);
  expect(unringed, "focused without a visible focus ring").toEqual([]);
});
