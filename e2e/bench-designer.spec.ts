import type { Page } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { gzipSync } from "node:zlib";
import { emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";
import { largeDesign } from "./fixtures/large-design";

/**
 * The designer's benchmark (docs/benchmarks.md, section "## Designer"):
 *  - keystroke-to-preview latency while typing a table name in a 100-table design, in the browser;
 *  - first-load JavaScript of the page, gzip, and the lazily loaded Monaco on top of it.
 * Run: `BENCH_DESIGNER=1 npx playwright test bench-designer` (skipped otherwise, so CI stays fast); `BENCH_TABLES=500` for 500 tables.
 *  - the Apply panel's apply + verify of templates on the embedded database.
 * Goals (issue 13): p95 at most 16 ms (one frame); first load at most 200 KB gzip before Monaco; apply + verify of a template at most 3 s.
 */

const KEYSTROKES = 200;
/** `BENCH_TABLES=500` measures a 500-table design too (its own section of docs/benchmarks.md). */
const TABLES = Number(process.env.BENCH_TABLES ?? 100);
const HEADING = TABLES === 100 ? "## Designer" : `## Designer, ${TABLES} tables`;
/** Between keystrokes: a fast typist (about 120 words a minute); faster input would measure the queue, not the page. */
const GAP_MS = 100;

test.skip(!process.env.BENCH_DESIGNER, "benchmark: set BENCH_DESIGNER=1 to run it");
test.setTimeout(300_000);
// Playwright's trace (playwright.config.ts: retain-on-failure) snapshots the whole DOM in the page before and after
// every action, each keystroke included: on a 100-table design that is tens of milliseconds of the page's main
// thread right after each keydown, which the latency would measure instead of the designer (until 2026-12-02 it did).
test.use({ trace: "off" });

/** The same keystrokes on every page measured: letters, then as many Backspaces, GAP_MS apart; then time for the last frame. */
async function typeKeystrokes(page: Page): Promise<void> {
  for (let i = 0; i < KEYSTROKES; i++) {
    await page.keyboard.press(i % 20 < 10 ? String.fromCharCode(97 + (i % 10)) : "Backspace");
    await page.waitForTimeout(GAP_MS);
  }
  await page.waitForTimeout(300);
}

/** Types the keystrokes, timing each from its keydown to the end of the next frame after it (sorted, in ms). */
async function typeTimingNextFrame(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const samples: number[] = [];
    const onKeydown = (e: KeyboardEvent) => requestAnimationFrame(() => setTimeout(() => samples.push(performance.now() - e.timeStamp), 0));
    document.addEventListener("keydown", onKeydown, true);
    (window as unknown as { __nextFrame: () => number[] }).__nextFrame = () => {
      document.removeEventListener("keydown", onKeydown, true);
      return samples;
    };
  });
  await typeKeystrokes(page);
  return (await page.evaluate(() => (window as unknown as { __nextFrame: () => number[] }).__nextFrame())).sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

test(`designer benchmark: keystroke-to-preview on ${TABLES} tables, first-load JavaScript`, async ({ page, request, baseURL }) => {
  // First-load JavaScript: every script the page's HTML loads, as served, gzipped here.
  const html = await (await request.get("/")).text();
  // A `<script nomodule>` (Next's legacy polyfills) is fetched only by browsers without ES modules: not counted, shown apart.
  const legacy = new Set([...html.matchAll(/<script(?=[^>]*\bnomodule\b)[^>]+src="([^"]+\.js)"/gi)].map((m) => m[1]));
  const scripts = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]*as="script"/g)].map((m) => m[1]))].filter(
    (src) => !legacy.has(src),
  );
  let firstLoadRaw = 0;
  let firstLoadGzip = 0;
  for (const src of scripts) {
    const body = await (await request.get(src)).body();
    firstLoadRaw += body.length;
    firstLoadGzip += gzipSync(body, { level: 9 }).length;
    expect(body.toString("utf8").includes("monaco-editor"), `${src} holds Monaco`).toBe(false);
  }
  let legacyGzip = 0;
  for (const src of legacy) legacyGzip += gzipSync(await (await request.get(src)).body(), { level: 9 }).length;

  // Everything else the browser loads to show the preview (Monaco, its worker): the lazy part.
  const lazy = new Map<string, number>();
  page.on("response", async (response) => {
    const url = response.url();
    if (!/\.js(\?|$)/.test(url) || scripts.some((s) => url.endsWith(s))) return;
    try {
      lazy.set(url, gzipSync(await response.body(), { level: 9 }).length);
    } catch {
      // Redirects and aborted responses have no body.
    }
  });

  await openDesigner(page);
  const design = largeDesign(TABLES);
  await page.getByLabel("Design file to import").setInputFiles({ name: "large.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(design)) });
  await expect(page.getByRole("button", { name: "documents_001", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "documents_001", exact: true }).click();
  const name = page.getByRole("textbox", { name: "Table name" });
  await expect(name).toHaveValue("documents_001");
  await expect(page.getByRole("tab", { name: /_policies\.sql/ })).toHaveAttribute("aria-selected", "true");
  const lazyGzip = [...lazy.values()].reduce((a, b) => a + b, 0);

  // Latency: from the keydown event to the policies model holding the edit (the compiler ran, Monaco
  // was updated), and to the end of the next frame after that (what the user sees).
  await page.evaluate(() => {
    const w = window as unknown as {
      rlsDesigner: { monaco: typeof import("monaco-editor/editor") };
      __bench: { pending: number | null; model: number[]; frame: number[] };
    };
    const { monaco } = w.rlsDesigner;
    const model = monaco.editor.getModels().find((m) => m.uri.path.endsWith("_policies.sql"))!;
    const bench: { pending: number | null; model: number[]; frame: number[] } = { pending: null, model: [], frame: [] };
    w.__bench = bench;
    document.addEventListener("keydown", (e) => void (bench.pending = e.timeStamp), true);
    model.onDidChangeContent(() => {
      if (bench.pending === null) return;
      const start = bench.pending;
      bench.pending = null;
      bench.model.push(performance.now() - start);
      requestAnimationFrame(() => setTimeout(() => bench.frame.push(performance.now() - start), 0));
    });
  });
  await name.focus();
  await page.keyboard.press("End");
  await typeKeystrokes(page);
  const samples = await page.evaluate(() => (window as unknown as { __bench: { model: number[]; frame: number[] } }).__bench);
  expect(samples.model.length).toBe(KEYSTROKES);
  await expect(name).toHaveValue("documents_001");

  // The floor: the same measurement on a page holding one text box and nothing else, in the same browser, right after.
  // What the machine and the browser take for a keystroke and a frame; the designer's own cost is the difference.
  const blank = await page.context().newPage();
  await blank.setContent(`<input aria-label="floor">`);
  await blank.getByLabel("floor").focus();
  const floor = await typeTimingNextFrame(blank);
  await blank.close();

  // The designer with the preview on a file a rename leaves alone (.env.example): the same keystrokes, the compile,
  // React and the frame, but no Monaco edit. What the designer pays before the preview's editor does anything.
  await page.getByRole("tab", { name: ".env.example" }).click();
  await expect(page.getByRole("tab", { name: ".env.example" })).toHaveAttribute("aria-selected", "true");
  await name.focus();
  await page.keyboard.press("End");
  // Timed from the first letter on, not the End key's frame.
  await page.waitForTimeout(GAP_MS);
  const unchanged = await typeTimingNextFrame(page);
  expect(unchanged.length).toBe(KEYSTROKES);
  await expect(name).toHaveValue("documents_001");
  await page.getByRole("tab", { name: /_policies\.sql/ }).click();
  await expect(page.getByRole("tab", { name: /_policies\.sql/ })).toHaveAttribute("aria-selected", "true");

  const monacoFloor = await measureMonacoFloor(page, "file");
  // What a preview holding only the selected table's part of the file (its 30-odd lines) would pay at best.
  const monacoFloorTable = await measureMonacoFloor(page, "table");

  const model = [...samples.model].sort((a, b) => a - b);
  const frame = [...samples.frame].sort((a, b) => a - b);
  const row = (label: string, sorted: number[]) =>
    `| ${label} | ${quantile(sorted, 0.5).toFixed(1)} | ${quantile(sorted, 0.95).toFixed(1)} | ${sorted[sorted.length - 1].toFixed(1)} |`;
  const p95 = quantile(frame, 0.95);
  const chromium = page.context().browser()?.version() ?? "?";
  const section = [
    HEADING,
    "",
    `Written by \`BENCH_DESIGNER=1 npx playwright test bench-designer\` (\`e2e/bench-designer.spec.ts\`) on ${new Date().toISOString().slice(0, 10)}, against the production build (\`next build && next start\`); run it again to refresh this section.`,
    "",
    `### Keystroke to preview, ${TABLES}-table design`,
    "",
    `The design: ${TABLES} tables in the saas template's shapes (organization firewall, half with optional ownership, role-based access, conditions on update); its bundle is ${kb(Object.values(await page.evaluate(() => (window as unknown as { rlsDesigner: { previewFiles(): Record<string, string> } }).rlsDesigner.previewFiles())).reduce((n, s) => n + s.length, 0))}. ${KEYSTROKES} keystrokes typed into "Table name" of one table (letters, then as many Backspaces), ${GAP_MS} ms apart. Each keystroke renames the table, which changes the SQL of every file: the page compiles the design again (on the main thread, with the compiler's cache: only the renamed table is checked, planned and written again, with the checks and names across tables), replaces only the lines that differ in the Monaco model on screen (the other files' models follow when the browser is idle), and repaints.`,
    "",
    "Measured in the page from the `keydown` event's timestamp: to the policies file's Monaco model holding the edit, and to the end of the next animation frame after that (the preview painted).",
    "",
    "| stage | median ms | p95 ms | max ms |",
    "| --- | ---: | ---: | ---: |",
    row("keydown → preview model updated", model),
    row("keydown → next frame painted", frame),
    row("the designer with the preview on `.env.example`, which a rename leaves alone: keydown → next frame (the compile, React and the frame, no Monaco edit)", unchanged),
    row("the floor: keydown → next frame on a page with one text box", floor),
    row("the floor with Monaco: keydown → next frame on a page with one text box and one Monaco editor holding the policies file, each keystroke renaming the table in it", monacoFloor),
    row("the floor with Monaco holding only the renamed table's lines of the policies file, the same edit", monacoFloorTable),
    "",
    `Goal: p95 at most 16 ms (one frame at 60 Hz), keystroke to painted preview: **${p95 <= 16 ? "met" : "not met"}** (${p95.toFixed(1)} ms; the page with one text box, measured the same way in the same run: ${quantile(floor, 0.95).toFixed(1)} ms; a page with one text box and a Monaco editor holding this policies file, each keystroke making the same edit in it and nothing else: ${quantile(monacoFloor, 0.95).toFixed(1)} ms, with only the table's lines of it: ${quantile(monacoFloorTable, 0.95).toFixed(1)} ms; the designer itself with the preview on a file the rename leaves alone: ${quantile(unchanged, 0.95).toFixed(1)} ms).`,
    "",
    "The compiler writes each file of the bundle when it is first read: a keystroke compiles the design and writes the file on screen; the other files follow in the background once typing pauses (one per idle moment), and so does the bundle's size in the status line. The compiler keeps each table's work (lib/compiler/cache.ts: its checks, plan, SQL, schema.ts part, snapshot and state) keyed by the table's object, which the designer's immutable edits keep for every table a keystroke leaves alone, so a keystroke pays for one table and the parts across tables: about 1 ms for this design in Node, about 2 ms in the page (lib/compiler/cache.test.ts proves the cached and uncached answers byte-identical, over random designs and edit sequences). A Web Worker would not shorten the keystroke: the compile is a small part of it, and the preview waits for its result either way.",
    "",
    "Where the time went before the changes below (Chrome traces of 40 keystrokes on the 100-table design on 2026-12-02, main thread, medians per keystroke, load average 1.6): the input event 9 ms, of it about 5 ms of script (the compile about 2 ms, Monaco's model edit about 1.2 ms, React about 1.2 ms) and two layouts of the whole page (2,300 layout objects, 1.6 ms together) that Chromium's editing forces before and after the `input` event; then the frame, 8 ms (Monaco's render in the animation frame 1.6 ms, a hit test for the mouse resting on the table list 1 ms, style and layout 0.9 ms, pre-paint, paint, layerization and commit 3.6 ms); then, before the measurement's timer could run, 4.5 ms more, 3.3 ms of it Chromium's autofill (`FormSubmissionTracker::FormControlDidChange`), which reads the form of a text box after every change: a box outside any form belongs to the page's one form of every control outside a form, and autofill read them all, with layouts forced along the way. Off the main thread, on the same two CPUs, raster, the compositor and the display compositor took about 20 ms of CPU per keystroke (software rendering: `--disable-gpu`).",
    "",
    "What changed (2026-12-02): the table name is a form of its own, so autofill reads one field (its task 0.7-0.8 ms instead of 3.2-4.3 ms). The name's box, the strip's label and each row of the table list have a fixed height with size and layout containment, which makes each a relayout boundary: in Chromium a flex or grid item never is one, and nor is any box holding a `<select>` (the select's anchor queries reach the page), so the form's sections and the panels cannot be, and until now every text typed laid out the page from its root. The Sharing section's sentence that names the `<table>_shares` table, the one text under the form's selects that changes with the name, followed one render later (React's `useDeferredValue`; since the second round below, once typing pauses): its layout of the page ran in a frame of its own after the keystroke's, usually below the fold. Traced the same way, alternating with the build before at load average 6-8: the layouts inside the input event 0.5 ms instead of 1.7-1.9 ms (none of the whole page instead of two), the tasks between the frame and the measurement's timer 2.8 ms instead of 4.6-6.2 ms. Tried and left out: `content-visibility: auto` on the form's sections (traced: they were laid out as before; all of this table's start within 2,000 px of the top) and on the rows of the table list (slower: layerization 1.8 ms instead of 1.5, paint 1.5 ms instead of 1.3; paint containment gives each row a clip of its own), and taking the rows' paint layers away (the whole list repaints on each keystroke).",
    "",
    "Where the time went after that (Chrome traces of 40 keystrokes on the 100-table design on 2026-12-02, 12:50-13:20 UTC, load average 1.5-6; the trace itself about doubles every figure): each frame starts with a hit test at the mouse, which rests on the table list where the click on the table left it (after a layout Chromium moves a synthetic mouse to update hover: about 2.2 ms traced, in every frame); 93 of 112 frames layerized the whole page again (`PaintArtifactCompositor::Update`, 1.6-1.9 ms traced), because Monaco replaces the elements of the lines that changed and each of its lines, being positioned, is a paint chunk of its own. Between the frame and the measurement's timer ran the `keyup` (the benchmark presses each key, so the keyup comes right after the keydown), autofill's task and, in 24-26 of the 40 keystrokes, React's deferred render of the Sharing sentence and a second frame for it: a `useDeferredValue` render runs in the task right after the frame, before any timer, and its frame pays the page's fixed costs again (3-7 ms traced). Off the main thread, per keystroke, the renderer's compositor thread took about 11 ms, the display compositor about 10 ms (4 ms of it drawing quads in software) and the renderer's worker threads about 9 ms, on the same two CPUs.",
    "",
    "What changed (2026-12-02, second round): the Sharing sentence follows the name once typing pauses (300 ms; `useSettled`, components/designer/ui/settled.ts) instead of one render later, so a keystroke draws one frame, not two (traced: a second frame before the timer in 10 of 40 keystrokes instead of 24-26; those left follow the `keyup`). The table list draws its rows in groups of 20, each `content-visibility: auto` with the height of its rows: a group out of view is neither laid out, painted nor hit-tested, and every row stays in the page for Tab, find and screen readers (a `role=\"list\"` of `role=\"listitem\"` rows, since a `<ul>` cannot hold the groups; e2e/keyboard.spec.ts walks 150 tables across the groups from the keyboard and runs axe on them). Chromium keeps `content-visibility: auto` content drawn within about 150% of the viewport, so of 100 tables only the last 20 rows are skipped, of 500 all but about 80: traced with 500 tables, alternating with the build before, the hit test 1.4-1.7 ms instead of 3.4, paint 1.4-1.6 ms instead of 3.3-4.1, layerization 1.3-1.5 ms instead of 2.4-3.2, the frame 10.7-14.2 ms instead of 19.8-22.9. Tried and left out this round: Monaco's `disableLayerHinting` (traced: no change, layerization 1.8-2.0 ms either way); the rows without paint layers again (no `relative`, no containment: the hit test 1.2-1.5 ms instead of 1.4-1.7, layerization the same, but each keystroke laid out the page from its root again, the layouts inside the input event 1.1 ms instead of 0.6); keeping React 19 from writing the name box's `name`, `type` and `value` attributes again on each render (it does, twice per keystroke; patched out in the page for a trace: no difference in the frame nor in autofill's task). Upper bounds, traced with CSS put into the page: without the table list's rows the frame took 10.3 ms instead of 15.6-17.7, with only its first 30 rows layerization took 1.2-1.3 ms instead of 1.9; with the mouse on the name box instead of the table list the hit test took 1.2 ms instead of 2.2 (the benchmark leaves the mouse where its click on the table left it, as a user's would be; not changed).",
    "",
    "What is left per keystroke: about 6-7 ms of script (the compile about 2 ms, Monaco's model edit and render, React), a frame whose fixed costs (the hit test at the mouse, pre-paint, paint, a layerization of the whole page that Monaco's replaced lines call for, commit: about 4-5 ms) come from the size of the page and from software rendering, then the `keyup` and autofill's task before the timer runs. The p95 stays above one frame (16 ms) on this machine: the floor, a page with one text box, takes 3-7 ms itself at a quiet moment and 5-9 ms while other work shares the CPUs. The table above is one run, at the load the Machine line gives (on 2026-12-02 at 13:54 another job's tests shared the CPUs): builds compare by alternating runs, not by tables written at different times. Alternating runs of this benchmark after the second round, the build before it (8a7b527) and this one: 100 tables, 13:33-13:52 UTC (load average 6.6 falling to 2.2, another job's tests sharing the CPUs; the floor's median 4.7-8.4 ms), the build before: median 28.5, 28.5, 27.7, 35.2, 36.9, 33.8, 36.5 ms, p95 65.4, 61.0, 51.9, 59.5, 54.5, 56.3, 61.5 ms; this version: median 23.5, 29.6, 31.8, 35.1, 34.1, 32.5, 25.1 ms, p95 48.8, 50.7, 52.9, 55.4, 53.7, 55.4, 43.0 ms (p95 lower in 6 of the 7 pairs, median in 5); 500 tables, 13:41-13:46 UTC (load average 1.8-3.1), the build before: median 55.3, 52.6 ms, p95 89.0, 82.3 ms; this version: median 41.9, 46.9 ms, p95 69.7, 71.9 ms. The first round's runs: alternating runs with 100 tables on 2026-12-02, 06:21-06:28 and 06:44-06:49 UTC (load average 0.3-2), the build before it: median 21.4, 17.0, 24.3, 22.5, 22.8, 16.6, 18.0 ms, p95 43.6, 24.9, 34.0, 32.9, 32.7, 24.3, 26.7 ms; the first round's version: median 15.6, 20.3, 21.4, 19.1, 18.2, 15.2, 16.3 ms, p95 25.4, 31.9, 31.7, 29.7, 29.1, 24.8, 26.1 ms (the floor: median 3.1-4.0 ms, p95 5.3-7.3 ms in both); with 500 tables, 06:49-06:54 UTC (load average 0.4-0.7), the build before it: median 23.2, 24.2 ms, p95 35.2, 40.3 ms; the first round's version: median 25.0, 22.1 ms, p95 38.4, 32.1 ms (about the same: the compile, larger with 500 tables, is not what changed); at load average 5-7 the two builds measured the same (100 tables: median 20.8 and 23.8 ms, p95 43.5 both; 500 tables: median 32.0 and 34.2 ms, p95 58.1 and 58.7 ms). Runs of the same build differ by 5 ms and more in the median at the same load, so only such alternating runs compare builds. Keystrokes sent faster than the page handles them (30 ms apart) measure the input queue rather than the page. Until 2026-12-02 this benchmark ran with Playwright's trace on (the config's retain-on-failure), whose DOM snapshots before and after each keystroke run on the page's main thread: a large part of what it measured (median 56-68 ms, p95 289-405 ms with the trace); it runs without the trace now.",
    "",
    "Measured on 2026-12-02, 18:37-20:46 UTC, on a quiet machine (load average 0.3-1.9), to find what stands between this page and one frame. Runs of 100 keystrokes, the same measurement, the page changed by CSS or script put into it: as it is, median 17.9-22.8 ms, p95 25.9-32.9 ms (three runs); with the preview's editor hidden (Monaco still edits and renders its lines) median 18.5-20.0, p95 27.5-29.1; with the table list hidden median 19.7-20.3, p95 27.4-31.9; with both hidden median 15.9-16.9, p95 23.0-26.2; without the changed-line highlight 22.3 / 35.0; with the mouse moved off the page 20.8 / 30.2; with every model as plain text (no tokenizing) 19.9-22.7 / 27.0-29.6: no one part of the page holds the missing half, and each of these is within the spread of runs of the same page. The floor with Monaco in the table above answers why: a page with nothing but a text box and a Monaco editor holding the 100-table design's policies file (400 KB), each keystroke making the same edit in it, measured median 15.2-19.1 ms and p95 22.1-27.5 ms in four runs on its own (the `monaco floor` rows of this benchmark since that day). So on this machine (two CPUs, Chromium rendering in software) a Monaco editor showing this file already takes more than one frame at p95 for an edit, before the designer compiles anything; the designer adds about 3-5 ms to it (the compile, the diff of the file and React). A CPU profile of 60 keystrokes (50 µs sampling, source-mapped) splits the designer's script: the compile 1.9 ms (writing the policies file 0.8, checks 0.8, plan 0.6), finding and applying the changed lines in the model 2.3 ms (the diff of the 400 KB text 0.5), React's render and commit 1.9 ms, and Monaco's render in the frame 3.0 ms (the profiler inflates these by about half). Frames in flight between keystrokes would make a keystroke wait for the next frame (a page with one text box and a `requestAnimationFrame` loop: median 11.9 ms instead of 3.7, p95 19.5 instead of 6.4), but traces show the designer's keystroke frame starting 0.1 ms (median) after its input task: no such wait. What would meet the goal: hardware rendering (a GPU; not on this machine), or a preview whose editor holds less than the whole policies file (the selected table's part); the next paragraph measures that second way and finds it does not.",
    "",
    "Measured on 2026-12-03, 06:30-07:10 UTC, on a quiet machine (load average 0.0-1.0), to find out whether any preview built on Monaco can meet the goal here. Two rows of the table above answer it. The designer with the preview on `.env.example`, which a rename leaves alone, pays the compile, React and the frame but no Monaco edit: about 10 ms median and 15 ms p95, so the designer's own work fits in a frame. The floor with Monaco holding only the renamed table's lines (its 30-odd lines of policies, what a preview of the selected table alone would hold) measures the same as the floor with the whole 400 KB file, within run noise: runs of 100 keystrokes alternating the two, the whole file median 11.5-15.5 ms and p95 16.4-24.0 ms, the table's lines median 8.6-13.1 ms and p95 14.5-18.5 ms, in five runs each; in four runs of this benchmark (200 keystrokes each, 06:45-07:07 UTC), p95 18.2-22.5 ms with the file and 19.3-22.2 ms with the table's lines, while the designer with the preview on `.env.example` measured p95 12.7-16.8 ms and the designer 24.1-31.2 ms. With 500 tables the table's lines do help (two runs: p95 21.6-22.5 ms against 27.5-29.1 with the 2 MB file), but stay above a frame. An edit of one line in a Monaco editor on an otherwise empty page thus takes about one frame at p95 on this machine, and the designer's 10 ms come on top of it. Traced (Chrome tracing, 60 keystrokes, the trace inflating each figure), the Monaco floor's keystroke is three tasks of similar size: the input event with Monaco's synchronous model and view updates (3.4 ms with the table's lines, 5.3 ms with the file), a task of Chromium's autofill that reads the text box's form and forces the style and layout Monaco's changes left pending (4.1-4.7 ms; putting the box in a form of its own makes that task 1.3 ms, but the frame's layout then grows by as much: the work moves, it does not go away), and the frame (7.4-8.7 ms: Monaco's render in the animation frame 2.0-2.8 ms, then style, layout, paint, layerization and commit in software). Monaco's options make no difference beyond run noise: without word wrap (whole file: p95 13.9-18.6 ms in five runs against 16.4-24.0), or without links, colour decorators, unicode highlighting, code lens, inlay hints, suggestions, hovers, indentation guides, folding and screen-reader support (p95 16.1-18.4 ms against 17.8-19.6, three runs each). So a keystroke-to-painted-preview p95 of at most 16 ms cannot be shown on this machine by any preview that edits a Monaco editor (the product's preview is one); a machine with hardware rendering is needed to measure the goal.",
    "",
    "### First-load JavaScript",
    "",
    "Every script the page's HTML loads (`<script src>`), fetched from `next start` and gzipped at level 9, but the `nomodule` polyfills, which only browsers without ES modules fetch (shown apart; counted until 2026-12-01). Not among them: the compiler and the design file's validator (zod), about 73 KB gzip, in a chunk of their own that the page starts loading as soon as its script runs (until it is here the page says \"Loading the design…\", as it did while it read the design), and the Import and Check dialogs, loaded right after the page; Monaco, which the preview loads with `next/dynamic` after the page is interactive; the canvas, the Apply panel, the zip writer, the share link's compressor and the changes view's access diff, each when first used.",
    "",
    "| what | raw | gzip |",
    "| --- | ---: | ---: |",
    `| first load (${scripts.length} scripts) | ${kb(firstLoadRaw)} | ${kb(firstLoadGzip)} |`,
    `| \`nomodule\` polyfills (${legacy.size} script; not fetched by current browsers, not counted) | | ${kb(legacyGzip)} |`,
    `| loaded after the page, until the preview shows (the compiler, the dialogs, Monaco and its worker; ${lazy.size} scripts) | | ${kb(lazyGzip)} |`,
    "",
    `Goal: first load at most 200 KB gzip before Monaco: **${firstLoadGzip <= 200 * 1024 ? "met" : "not met"}** (${kb(firstLoadGzip)}).`,
    "",
    `Machine: ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB memory, load average ${loadavg()[0].toFixed(1)} when the run ended (other work shares these CPUs; latencies grow with it); Chromium ${chromium} headless (Debian), \`--disable-gpu\` (software rendering); Node ${process.version}.`,
    "",
  ].join("\n");
  writeSection("docs/benchmarks.md", section, HEADING);
  console.log(section);
  void baseURL;
});

const APPLY_TEMPLATES = ["todos", "saas", "tracker"] as const;
const APPLY_RUNS = 3;

test("designer benchmark: apply + verify of templates to the embedded database, in the Apply panel", async ({ page }) => {
  test.skip(TABLES !== 100, "measured with the 100-table run only");
  test.setTimeout(600_000);
  await openDesigner(page);
  const rows: string[] = [];
  for (const name of APPLY_TEMPLATES) {
    const times: number[] = [];
    let summary = "";
    for (let run = 0; run < APPLY_RUNS; run++) {
      await startFrom(page, `Template: ${name}` as Parameters<typeof startFrom>[1]);
      expect(await emptyEmbedded(page)).toBe(200);
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
      const applyNow = panel.getByRole("button", { name: "Apply now" });
      await expect(applyNow).toBeEnabled({ timeout: 60_000 });
      const progress = panel.getByRole("region", { name: "Apply progress" });
      // From the click to "verified" on screen: what the user waits for.
      const started = Date.now();
      await applyNow.click();
      await expect(progress).toHaveText(/; verified$/, { timeout: 300_000 });
      times.push((Date.now() - started) / 1000);
      summary = (await panel.getByRole("region", { name: "Access matrix" }).innerText()).match(/\d+ statements/)?.[0] ?? "";
      await page.keyboard.press("Escape");
      await expect(panel).toBeHidden();
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${name} | ${summary} | ${times[Math.floor(times.length / 2)].toFixed(1)} | ${times.map((t) => t.toFixed(1)).join(", ")} | ${times[Math.floor(times.length / 2)] <= 3 ? "yes" : "no"} |`);
  }
  const heading = "## Designer, apply to the embedded database";
  const section = [
    heading,
    "",
    `Written by \`BENCH_DESIGNER=1 npx playwright test bench-designer\` on ${new Date().toISOString().slice(0, 10)}: each template applied ${APPLY_RUNS} times from the Apply panel to the emptied embedded database (PGlite in the app's server), timed from the click on "Apply now" to "verified" on screen (connect, lock, plan, migrations, verify, the matrix drawn).`,
    "",
    "| template | verify statements | median s | runs s | within 3 s |",
    "| --- | ---: | ---: | --- | --- |",
    ...rows,
    "",
    `Machine: ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} when the run ended; Node ${process.version}.`,
    "",
  ].join("\n");
  writeSection("docs/benchmarks.md", section, heading);
  console.log(section);
});

/**
 * The floor with Monaco: one text box and one Monaco editor (with the preview's options) holding this design's
 * policies file (`file`) or only the renamed table's lines of it (`table`), each keystroke renaming the table in it
 * with one edit of the same lines, nothing else on the page (the designer hidden, its models left alone). What any
 * page with a Monaco preview of this text pays for a keystroke on this machine; the designer's own cost is what its
 * row adds to this one.
 */
async function measureMonacoFloor(page: Page, holding: "file" | "table"): Promise<number[]> {
  await page.evaluate((holding) => {
    type Monaco = typeof import("monaco-editor/editor");
    const w = window as unknown as { rlsDesigner: { monaco: Monaco }; __monacoFloor: number[]; __monacoFloorEnd?: () => void };
    const { monaco } = w.rlsDesigner;
    const source = monaco.editor.getModels().find((m) => m.uri.path.endsWith("_policies.sql"))!;
    let text = source.getValue();
    if (holding === "table") {
      const lines = text.split("\n");
      const naming = lines.flatMap((line, i) => (line.includes("documents_001") ? [i] : []));
      text = lines.slice(naming[0], naming.at(-1)! + 1).join("\n");
    }
    const model = monaco.editor.createModel(text, "sql", monaco.Uri.parse(`file:///bench/monaco-floor-${holding}.sql`));
    const designer = document.body.firstElementChild as HTMLElement;
    designer.style.display = "none";
    const shell = document.createElement("div");
    shell.style.cssText = "position:fixed;inset:0;display:flex;flex-direction:column;background:white";
    shell.innerHTML = `<input aria-label="monaco floor" value="documents_001" style="margin:8px;width:300px"><div style="flex:1;min-height:0"></div>`;
    document.body.appendChild(shell);
    // The preview's own options, read from its editor, so the floor cannot drift from what the designer shows.
    const preview = monaco.editor.getEditors().find((e) => e.getModel() === source)!;
    const editor = monaco.editor.create(shell.lastElementChild as HTMLElement, { ...preview.getRawOptions(), model, ariaLabel: "the floor's editor" });
    let current = "documents_001";
    const found = model.findMatches(current, false, false, true, null, false);
    // The table's lines, found once: a rename changes no line count, so later searches look there only.
    const lines = new monaco.Range(found[0].range.startLineNumber, 1, found.at(-1)!.range.endLineNumber, model.getLineMaxColumn(found.at(-1)!.range.endLineNumber));
    editor.revealLineNearTop(found[0].range.startLineNumber);
    const box = shell.firstElementChild as HTMLInputElement;
    box.addEventListener("input", () => {
      const matches = model.findMatches(current, lines, false, true, null, false);
      model.applyEdits(matches.map((m) => ({ range: m.range, text: box.value })));
      current = box.value;
    });
    w.__monacoFloor = [];
    let pending: number | null = null;
    const onKeydown = (e: KeyboardEvent) => void (pending = e.timeStamp);
    document.addEventListener("keydown", onKeydown, true);
    model.onDidChangeContent(() => {
      if (pending === null) return;
      const start = pending;
      pending = null;
      requestAnimationFrame(() => setTimeout(() => w.__monacoFloor.push(performance.now() - start), 0));
    });
    w.__monacoFloorEnd = () => {
      document.removeEventListener("keydown", onKeydown, true);
      editor.dispose();
      model.dispose();
      shell.remove();
      designer.style.display = "";
    };
  }, holding);
  await page.getByLabel("monaco floor").focus();
  await page.keyboard.press("End");
  await typeKeystrokes(page);
  const samples = await page.evaluate(() => {
    const w = window as unknown as { __monacoFloor: number[]; __monacoFloorEnd: () => void };
    w.__monacoFloorEnd();
    return w.__monacoFloor;
  });
  expect(samples.length).toBe(KEYSTROKES);
  return samples.sort((a, b) => a - b);
}

/** Replaces this benchmark's own section ("## Designer" up to the next "## ") and leaves the rest alone. */
function writeSection(file: string, section: string, heading: string) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = "# Benchmarks\n";
  }
  const start = text.search(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "m"));
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const rest = text.slice(start + 1).search(/^## /m);
  const end = rest < 0 ? text.length : start + 1 + rest;
  writeFileSync(file, `${text.slice(0, start)}${section}${end < text.length ? `\n${text.slice(end)}` : ""}`);
}
