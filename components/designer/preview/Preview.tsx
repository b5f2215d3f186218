"use client";
import dynamic from "next/dynamic";
import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Bundle } from "@/lib/compiler";
import { run } from "../state/commands";
import { previewFor, shownFile } from "../state/compiled";
import { useCompiled, useDesigner } from "../state/hooks";
import { Icon } from "../ui/icons";
import { wheelScrollsSideways } from "../ui/wheel";
import { ProblemsList, WarningsStrip } from "./ProblemsList";

/** Monaco is large: it loads after the page, in its own chunk, and only in the browser. */
const MonacoPreview = dynamic(() => import("./MonacoPreview"), {
  ssr: false,
  loading: () => <p className="p-4 text-[12px] text-muted">Loading the editor…</p>,
});

/** What a change does to access: shown only in the changes view, so it loads with it. */
const AccessChangesStrip = dynamic(() => import("./AccessChanges"), { ssr: false });

/** A tab's label: the file name, after its folder (`drizzle/`, `drizzle/meta/`) dimmed. */
function TabLabel({ path }: { path: string }) {
  const cut = path.lastIndexOf("/") + 1;
  return (
    <span>
      {cut > 0 && <span className="text-faint">{path.slice(0, cut)}</span>}
      {path.slice(cut)}
    </span>
  );
}

export function Preview() {
  const result = useCompiled();
  const chosen = useDesigner((s) => s.activeFile);
  const mode = useDesigner((s) => s.previewMode);
  const baseline = useDesigner((s) => s.baseline);
  const preview = useDesigner((s) => previewFor(s.design, s.baseline));
  const bundle = preview.bundle;
  const stale = preview.stale;
  const active = shownFile(bundle, chosen);
  // Comparing reads every file: done in a render after the keystroke's own has painted (and not at all without a download).
  const compared = useDeferredValue(baseline ? bundle : null);
  const changed = useMemo(() => {
    if (!baseline || !compared) return new Set<string>();
    // Files written on demand (the pgTAP tests) are not read to compare: they follow the rest.
    const paths = compared.filter((f) => !f.onDemand && baseline.files[f.path] !== f.contents).map((f) => f.path);
    return new Set(paths);
  }, [baseline, compared]);
  const removed = baseline && bundle ? Object.keys(baseline.files).filter((p) => !bundle.some((f) => f.path === p)) : [];
  const showChanges = mode === "changes" && !!baseline;
  const tabs = useRef<HTMLDivElement>(null);
  useEffect(() => (tabs.current ? wheelScrollsSideways(tabs.current) : undefined), []);

  // Keep the open file's tab in view when it changes (not on every edit: scrolling forces a layout).
  useEffect(() => {
    if (active) document.getElementById(tabId(active))?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [active]);

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!bundle) return;
    const index = bundle.findIndex((f) => f.path === active);
    const next = e.key === "ArrowRight" ? index + 1 : e.key === "ArrowLeft" ? index - 1 : e.key === "Home" ? 0 : e.key === "End" ? bundle.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = bundle[(next + bundle.length) % bundle.length];
    run("showFile", { path: target.path });
    requestAnimationFrame(() => document.getElementById(tabId(target.path))?.focus());
  };

  return (
    <section aria-label="SQL preview" className="flex min-h-0 min-w-0 flex-col border-l border-line bg-panel contain-strict">
      <div className="flex items-center gap-2 border-b border-line pr-2">
        <div ref={tabs} role="tablist" aria-label="Bundle files" className="flex min-w-0 flex-1 overflow-x-auto [scrollbar-width:thin]">
          {bundle?.map((file) => {
            const selected = file.path === active;
            return (
              <button
                key={file.path}
                id={tabId(file.path)}
                role="tab"
                type="button"
                aria-selected={selected}
                aria-controls="preview-panel"
                tabIndex={selected ? 0 : -1}
                title={file.path}
                onClick={() => run("showFile", { path: file.path })}
                onKeyDown={onTabKey}
                className={`relative flex h-8 shrink-0 cursor-pointer items-center gap-1.5 border-r border-line px-2.5 font-mono focus-visible:-outline-offset-2 text-[11.5px] whitespace-nowrap transition-colors ${selected ? "bg-panel text-fg" : "bg-subtle text-muted hover:text-fg"}`}
              >
                {selected && <span className="absolute inset-x-0 top-0 h-0.5 bg-accent" aria-hidden="true" />}
                <TabLabel path={file.path} />
                {changed.has(file.path) && (
                  <span className="size-1.5 rounded-full bg-accent" title="Changed since the last download">
                    <span className="sr-only">(changed since download)</span>
                  </span>
                )}
              </button>
            );
          })}
        </div>
        <div role="group" aria-label="Preview mode" className="flex shrink-0 rounded-md border border-line p-0.5">
          <ModeButton pressed={!showChanges} onClick={() => run("setPreviewMode", { mode: "file" })} icon="file" title="Show the file">
            File
          </ModeButton>
          <ModeButton
            pressed={showChanges}
            disabled={!baseline}
            onClick={() => run("setPreviewMode", { mode: "changes" })}
            icon="diff"
            title={baseline ? `Changes since the download at ${new Date(baseline.at).toLocaleTimeString()}` : "Download the bundle first: changes are shown against the last download"}
          >
            Changes
          </ModeButton>
        </div>
      </div>
      {result.ok && result.warnings.length > 0 && <WarningsStrip warnings={result.warnings} />}
      {showChanges && result.ok && baseline && <AccessChangesStrip baseline={baseline} model={result.model} />}
      {stale && (
        <p role="status" className="shrink-0 border-b border-line bg-warn-soft px-3 py-1 text-[12px] text-warn">
          <span className="font-semibold">Stale:</span>{" "}
          {!bundle
            ? "no valid version of this design yet, so no SQL to show."
            : stale.whole
              ? "this is the SQL of the last valid design; it changes again once the problems below are fixed."
              : `${stale.tables.length === 1 ? "table" : "tables"} ${stale.tables.map((t) => `"${t}"`).join(", ")} ${stale.tables.length === 1 ? "shows its" : "show their"} last valid SQL (or none yet); the other tables are current.`}
        </p>
      )}
      <div id="preview-panel" role="tabpanel" aria-labelledby={active ? tabId(active) : undefined} className={`relative min-h-0 flex-1 ${stale ? "border-l-4 border-warn" : ""}`}>
        <div className="absolute inset-0">{active && <MonacoPreview path={active} mode={showChanges ? "changes" : "file"} />}</div>
      </div>
      {!result.ok && (
        <div className="max-h-[45%] min-h-24 shrink-0 overflow-y-auto border-t border-line bg-panel">
          <ProblemsList problems={result.problems} />
        </div>
      )}
      <footer className="flex h-7 shrink-0 items-center gap-3 border-t border-line px-3 text-[11.5px] text-muted">
        {/* Always there, so screen readers hear when the design turns valid or invalid (not every edit's size). */}
        <span aria-live="polite" aria-atomic="true" className={`flex items-center gap-1 ${result.ok ? "text-ok" : "text-danger"}`}>
          {result.ok ? (
            <>
              <Icon name="check" className="size-3.5" /> Valid
            </>
          ) : (
            <>
              <Icon name="alert" className="size-3.5" /> {result.problems.length} {result.problems.length === 1 ? "problem" : "problems"}: preview stale, download waits
            </>
          )}
        </span>
        {result.ok && (
          <>
            <span>
              {result.bundle.length} files
              <BundleSize bundle={result.bundle} />
            </span>
            {result.warnings.length > 0 && (
              <span className="text-warn">
                {result.warnings.length} {result.warnings.length === 1 ? "warning" : "warnings"}
              </span>
            )}
            {baseline && (
              <span className="ml-auto">
                {changed.size + removed.length === 0 ? "Same as the last download" : `${changed.size + removed.length} changed since the last download`}
              </span>
            )}
          </>
        )}
      </footer>
    </section>
  );
}

function tabId(path: string) {
  return `tab-${path.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
}

/**
 * The bundle's size, counted once typing pauses: the compiler writes each file when first read,
 * and a keystroke should pay only for the file on screen (the others follow in the background).
 */
function BundleSize({ bundle }: { bundle: Bundle }) {
  const [bytes, setBytes] = useState<number | null>(null);
  useEffect(() => {
    const count = () => setBytes(bundle.reduce((n, f) => n + (f.onDemand ? 0 : f.contents.length), 0));
    let idle: number | null = null;
    // After typing pauses (each keystroke starts the wait again), when the preview's own models have read the files.
    const quiet = setTimeout(() => {
      if (typeof requestIdleCallback === "function") idle = requestIdleCallback(count, { timeout: 2000 });
      else count();
    }, 800);
    return () => {
      clearTimeout(quiet);
      if (idle !== null) cancelIdleCallback(idle);
    };
  }, [bundle]);
  // The last size stays while the next is counted, so the line does not jump on every keystroke.
  return bytes === null ? null : <> · {formatBytes(bytes)}</>;
}

function formatBytes(n: number) {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

function ModeButton({ pressed, children, icon, ...rest }: { pressed: boolean; children: string; icon: "file" | "diff" } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      className={`inline-flex h-6 cursor-pointer items-center gap-1 rounded px-2 text-[11.5px] font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-40 ${pressed ? "bg-accent-soft text-accent-text" : "text-muted hover:text-fg"}`}
      {...rest}
    >
      <Icon name={icon} className="size-3.5" />
      {children}
    </button>
  );
}
