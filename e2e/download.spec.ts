import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { unzipSync } from "fflate";
import { compileDesign } from "@/lib/compiler";
import { bundleToZip } from "@/lib/zip";
import { currentDesign, expect, openDesigner, startFrom, test } from "./fixtures/test";

/** Every file under `dir`, by path relative to it (forward slashes, like the zip). */
function readTree(dir: string, root = dir): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, readTree(path, root));
    else out[relative(root, path).split("\\").join("/")] = readFileSync(path);
  }
  return out;
}

test("the downloaded zip holds exactly what the command line's compile writes, byte for byte", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await page.getByRole("textbox", { name: "Table name" }).fill("projects");
  await page.getByRole("checkbox", { name: "viewer insert" }).check();

  const work = mkdtempSync(join(tmpdir(), "rlsd-e2e-"));
  const [zipDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bundle" }).click()]);
  expect(zipDownload.suggestedFilename()).toBe("acme-bundle.zip");
  const zipPath = join(work, "bundle.zip");
  await zipDownload.saveAs(zipPath);

  // The design JSON, exported through the page: the very file the command line reads.
  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  expect(jsonDownload.suggestedFilename()).toBe("design.json");
  const designPath = join(work, "design.json");
  await jsonDownload.saveAs(designPath);
  expect(JSON.parse(readFileSync(designPath, "utf8"))).toEqual(await currentDesign(page));

  // The command line compiles the exported file (the real CLI when it is there).
  const outDir = join(work, "out");
  let expected: Record<string, Buffer>;
  if (existsSync("lib/cli/main.ts")) {
    execFileSync("node_modules/.bin/tsx", ["lib/cli/main.ts", "compile", designPath, "--out", outDir], { stdio: "pipe" });
    expected = readTree(outDir);
  } else {
    const result = compileDesign(JSON.parse(readFileSync(designPath, "utf8")));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expected = Object.fromEntries(result.bundle.map((f) => [f.path, Buffer.from(f.contents)]));
  }

  const zipBytes = readFileSync(zipPath);
  // One top folder named after the design, holding the bundle and the design file it came from.
  const top = `${(await currentDesign(page)).name.toLowerCase()}/`;
  const inFolder = unzipSync(new Uint8Array(zipBytes));
  expect(Object.keys(inFolder).every((p) => p.startsWith(top)), `every entry under ${top}`).toBe(true);
  const entries = Object.fromEntries(Object.entries(inFolder).map(([p, bytes]) => [p.slice(top.length), bytes]));
  expect(JSON.parse(Buffer.from(entries["design.json"]).toString("utf8"))).toEqual(await currentDesign(page));
  delete entries["design.json"];
  expect(Object.keys(entries).sort()).toEqual(Object.keys(expected).sort());
  for (const [path, bytes] of Object.entries(expected)) {
    expect(Buffer.from(entries[path]).toString("utf8"), `${path} differs from the CLI's`).toBe(bytes.toString("utf8"));
    expect(Buffer.from(entries[path]).equals(bytes), `${path} differs from the CLI's, byte for byte`).toBe(true);
  }

  // The archive itself is deterministic: the same bundle gives the same bytes in the browser and in Node.
  const result = compileDesign(JSON.parse(readFileSync(designPath, "utf8")));
  if (!result.ok) throw new Error("the exported design does not compile");
  expect(Buffer.from(bundleToZip(result.bundle, { folder: result.design.name, design: await currentDesign(page) })).equals(zipBytes)).toBe(true);

  // After a download the preview can show what changed since.
  await expect(page.getByRole("region", { name: "SQL preview" }).getByText("Same as the last download")).toBeVisible();
  await page.getByRole("checkbox", { name: "viewer delete" }).check();
  await expect(page.getByRole("region", { name: "SQL preview" }).getByText(/\d+ changed since the last download/)).toBeVisible();
  await page.getByRole("button", { name: "Changes" }).click();
  await expect(page.locator(".monaco-diff-editor")).toBeVisible();
  // Beside the SQL diff, what the change does to access, from the meaning of the two designs.
  await expect(page.getByRole("region", { name: "Access changes since the last download" })).toContainText(/viewer of org A may now delete from projects/);

  // The next download is the next version of the one before: its migrations stay, one is appended,
  // exactly as the command line compiles the changed design into the folder of the first compile.
  const [secondZip] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bundle" }).click()]);
  const second = Object.fromEntries(Object.entries(unzipSync(new Uint8Array(readFileSync(await secondZip.path())))).map(([p, bytes]) => [p.slice(top.length), bytes]));
  expect(Object.keys(second)).toContain("drizzle/0005_v2.sql");
  for (const path of Object.keys(entries).filter((p) => /^drizzle\/(\d{4}_.*\.sql|meta\/0004_snapshot\.json)$/.test(p))) {
    expect(Buffer.from(second[path]).equals(Buffer.from(entries[path])), `${path} changed between versions`).toBe(true);
  }
  await expect(page.getByText(/Downloaded version 2: drizzle\/0005_v2\.sql appended/)).toBeVisible();
  const [secondJson] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  const secondDesign = join(work, "design-2.json");
  await secondJson.saveAs(secondDesign);
  execFileSync("node_modules/.bin/tsx", ["lib/cli/main.ts", "compile", secondDesign, "--out", outDir], { stdio: "pipe" });
  const folder = readTree(outDir);
  expect(JSON.parse(Buffer.from(second["design.json"]).toString("utf8"))).toEqual(JSON.parse(readFileSync(secondDesign, "utf8")));
  delete second["design.json"];
  for (const [path, bytes] of Object.entries(second)) {
    expect(Buffer.from(bytes).toString("utf8"), `${path} differs from the CLI's second compile`).toBe(folder[path]?.toString("utf8"));
  }
  // Right after that download, nothing differs from it.
  await expect(page.getByRole("region", { name: "SQL preview" }).getByText("Same as the last download")).toBeVisible();
});
