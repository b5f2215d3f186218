"use client";
import dynamic from "next/dynamic";
import { useRef, useState } from "react";
import { TEMPLATE_DESCRIPTIONS, TEMPLATE_NAMES } from "@/lib/design/templates";
import { run, shareUrl } from "./state/commands";
import { compiled } from "./state/compiled";
import { useDesigner } from "./state/hooks";
import { designerStore, notify } from "./state/store";
import { shortcutOf } from "./state/keyboard";
import { openDialog } from "./import/actions";
import { DesignsMenu } from "./panels/DesignsMenu";
import { Button, IconButton } from "./ui/controls";
import { MenuItem, Popover } from "./ui/Popover";
import { setChoice, useThemeChoice, type ThemeChoice } from "./ui/theme";

/**
 * The dialogs of "Existing database" (with the database checks' code, which reads the design
 * library) load right after the page rather than with it; they open when asked, whenever their
 * code arrived (a click before that opens them as soon as it is here).
 */
const ImportDialog = dynamic(() => import("./import/ImportDialog").then((m) => m.ImportDialog), { ssr: false });
const CheckDialog = dynamic(() => import("./check/CheckDialog").then((m) => m.CheckDialog), { ssr: false });

/** The top bar: start, import, export and share the design; undo and redo; theme; download. */
export function Toolbar() {
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const problems = useDesigner((s) => {
    const result = compiled(s.design);
    return result.ok ? 0 : result.problems.length;
  });
  const valid = problems === 0;
  const refusal = `Download waits until the design's ${problems} ${problems === 1 ? "problem is" : "problems are"} fixed (listed under the preview)`;
  const file = useRef<HTMLInputElement>(null);
  const undoKey = shortcutOf("undo");
  const redoKey = shortcutOf("redo");

  return (
    <header className="flex min-h-11 shrink-0 flex-wrap items-center gap-1 border-b border-line bg-panel px-3 py-1">
      <div className="mr-3 flex items-center gap-2">
        <svg viewBox="0 0 32 32" className="size-5" aria-hidden="true">
          <rect width="32" height="32" rx="7" className="fill-accent" />
          <path d="M16 6.5 8.5 9.5v6.2c0 4.6 3.1 8.4 7.5 9.8 4.4-1.4 7.5-5.2 7.5-9.8V9.5L16 6.5Z" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
        </svg>
        <span className="text-[13.5px] font-semibold tracking-tight max-sm:sr-only">RLS Designer</span>
      </div>

      <Popover label="New" icon="plus">
        {(close) => (
          <div>
            <MenuItem
              icon="file"
              title="New empty design"
              description="No tables, no tenancy: build it up from scratch."
              onSelect={() => {
                run("newDesign");
                close();
              }}
            />
            <div className="my-1 border-t border-line" />
            <p className="px-2.5 pt-1 pb-0.5 text-[11px] font-medium tracking-wide text-faint uppercase">Templates</p>
            {TEMPLATE_NAMES.map((name) => (
              <MenuItem
                key={name}
                title={`Template: ${name}`}
                description={TEMPLATE_DESCRIPTIONS[name]}
                onSelect={() => {
                  run("loadTemplate", { template: name });
                  close();
                }}
              />
            ))}
            <p className="px-2.5 pt-1 pb-1.5 text-[11.5px] text-faint">Your current design stays one undo away.</p>
          </div>
        )}
      </Popover>
      <Button tone="ghost" icon="upload" onClick={() => file.current?.click()} title="Open a design JSON file (or drop one on the page)">
        Import
      </Button>
      <input
        ref={file}
        type="file"
        accept="application/json,.json"
        className="hidden"
        aria-label="Design file to import"
        onChange={async (e) => {
          const chosen = e.target.files?.[0];
          e.target.value = "";
          if (chosen) run("importDesign", { text: await chosen.text(), fileName: chosen.name });
        }}
      />
      <Popover label="Existing database" icon="database" width="w-80">
        {(close) => (
          <div>
            <MenuItem
              icon="upload"
              title="Import from database or SQL…"
              description="Read an existing database's tables (or a pg_dump / migrations) into a design, with a firewall proposed per table."
              onSelect={() => {
                close();
                openDialog("import");
              }}
            />
            <MenuItem
              icon="shield"
              title="Check database…"
              description="Row-level security checks on a live database: each finding with why it matters and the fix; SARIF."
              onSelect={() => {
                close();
                openDialog("check");
              }}
            />
          </div>
        )}
      </Popover>
      <ImportDialog />
      <CheckDialog />
      <Button tone="ghost" icon="export" onClick={() => run("exportDesign")} title={`Save the design JSON, the file the command line reads (${shortcutOf("exportDesign")})`}>
        Export
      </Button>
      <SharePopover />
      <DesignsMenu />

      <div className="mx-2 h-5 border-l border-line" />
      <IconButton icon="undo" label="Undo" title={`Undo (${undoKey})`} disabled={!canUndo} onClick={() => run("undo")} className="size-7" />
      <IconButton icon="redo" label="Redo" title={`Redo (${redoKey})`} disabled={!canRedo} onClick={() => run("redo")} className="size-7" />

      <div className="flex-1" />
      <ThemeButton />
      <Button
        icon="database"
        onClick={() => run("openApply")}
        aria-haspopup="dialog"
        title={`Apply the design to a database and verify it there (${shortcutOf("openApply")})`}
        className="ml-1"
      >
        Apply
      </Button>
      <Button
        tone="primary"
        icon="download"
        // aria-disabled, not disabled: the button stays focusable and a click says why it refuses.
        aria-disabled={!valid}
        aria-describedby={valid ? undefined : "download-refused"}
        onClick={() => (valid ? run("downloadBundle") : notify(refusal, "error"))}
        title={valid ? "Save the migrations, schema.ts and setup files as a zip" : refusal}
        className="ml-1"
      >
        Download bundle
      </Button>
      {!valid && (
        <span id="download-refused" className="sr-only">
          {refusal}
        </span>
      )}
    </header>
  );
}

function SharePopover() {
  const [url, setUrl] = useState("");
  return (
    <Popover label="Share" icon="link" width="w-[26rem]" onOpen={() => void shareUrl(designerStore.getState().design).then(setUrl)}>
      {(close) => (
        <div className="p-2">
          <p className="mb-1.5 text-[12px] text-muted">
            The whole design travels in the link&apos;s fragment (after #), which browsers never send to a server.
          </p>
          <div className="flex gap-1.5">
            <input
              readOnly
              aria-label="Share link"
              value={url}
              onFocus={(e) => e.target.select()}
              className="h-7 min-w-0 flex-1 rounded-md border border-line bg-subtle px-2 font-mono text-[11.5px]"
              data-autofocus
            />
            <Button
              tone="primary"
              size="sm"
              icon="copy"
              className="h-7"
              onClick={() => {
                run("copyShareLink");
                close();
              }}
            >
              Copy
            </Button>
          </div>
          <p className="mt-1.5 text-[11.5px] text-faint">{(url.length / 1024).toFixed(1)} KB link</p>
        </div>
      )}
    </Popover>
  );
}

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };

function ThemeButton() {
  const choice = useThemeChoice();
  const icon = choice === "light" ? "sun" : choice === "dark" ? "moon" : "monitor";
  return <IconButton icon={icon} label={`Theme: ${choice}`} title={`Theme: ${choice} (click for ${NEXT_THEME[choice]})`} onClick={() => setChoice(NEXT_THEME[choice])} className="size-7" />;
}

