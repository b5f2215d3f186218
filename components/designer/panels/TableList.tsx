"use client";
import { memo, useMemo, type KeyboardEvent } from "react";
import type { Table } from "@/lib/design";
import { run } from "../state/commands";
import { tableOfProblem } from "../state/compiled";
import { useAllProblems, useDesigner } from "../state/hooks";
import { IconButton } from "../ui/controls";
import { Icon } from "../ui/icons";

/** The left column: the project entry, then the tables (add, open, reorder; duplicate and delete are in the table's header). */
export function TableList() {
  const tables = useDesigner((s) => s.design.tables);
  const selection = useDesigner((s) => s.selection);
  const name = useDesigner((s) => s.design.name);
  const target = useDesigner((s) => s.design.target);
  const provider = useDesigner((s) => s.design.auth.provider);
  const problems = useAllProblems();
  const withProblems = useMemo(() => new Set(problems.map(tableOfProblem)), [problems]);
  const projectProblems = useMemo(() => problems.some((p) => tableOfProblem(p) === null), [problems]);
  const projectSelected = selection.kind === "project";

  return (
    <nav aria-label="Design" className="flex min-h-0 flex-col border-r border-line bg-panel contain-strict">
      <div className="p-2">
        <button
          type="button"
          onClick={() => run("selectProject")}
          aria-current={projectSelected ? "page" : undefined}
          className={`flex w-full cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-left transition-colors ${projectSelected ? "bg-accent-soft text-accent-text" : "hover:bg-hover"}`}
        >
          <Icon name="settings" className="size-4 shrink-0 opacity-80" />
          <span className="min-w-0 flex-1">
            <span className="block truncate font-medium">Project</span>
            <span className="block truncate text-[11.5px] text-muted">
              {name || "untitled"} · {target} · {provider}
            </span>
          </span>
          {projectProblems && <ProblemDot />}
        </button>
      </div>
      <div className="flex items-center justify-between border-t border-line py-1.5 pr-2 pl-4">
        <h2 className="text-[11.5px] font-semibold tracking-wide text-muted uppercase">
          Tables <span className="font-normal text-faint">{tables.length}</span>
        </h2>
        <IconButton icon="plus" label="Add table" onClick={addTableAndFocus} />
      </div>
      {/* The rows in groups of ROWS_PER_GROUP, each group `content-visibility: auto`: a group out of view is
          neither laid out, painted nor hit-tested, so a keystroke's frame pays for the rows on screen, not for
          every table (docs/benchmarks.md, "Designer"). Every row stays in the page, for Tab, find and screen
          readers; a group is a box without a role, so the rows are the list's items. */}
      <div role="list" className="min-h-0 flex-1 overflow-y-auto px-2 pb-3" aria-label="Tables">
        {groups(tables.length).map(([from, to]) => (
          <div key={from} className="[content-visibility:auto]" style={{ containIntrinsicSize: `auto ${(to - from) * ROW_HEIGHT}px` }}>
            {tables.slice(from, to).map((table, offset) => {
              const index = from + offset;
              return (
                <TableRow
                  key={index}
                  table={table}
                  index={index}
                  last={index === tables.length - 1}
                  selected={selection.kind === "table" && selection.index === index}
                  hasProblems={withProblems.has(index)}
                />
              );
            })}
          </div>
        ))}
        {tables.length === 0 && (
          <div role="listitem" className="px-2 py-3 text-[12px] text-muted">
            No tables yet.{" "}
            <button type="button" className="cursor-pointer text-accent-text underline-offset-2 hover:underline" onClick={addTableAndFocus}>
              Add the first one
            </button>
          </div>
        )}
      </div>
    </nav>
  );
}

/** A row's height (`h-7`): a group out of view keeps the height of its rows. */
const ROW_HEIGHT = 28;
const ROWS_PER_GROUP = 20;

/** The [from, to) index ranges of the row groups. */
function groups(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < count; from += ROWS_PER_GROUP) out.push([from, Math.min(count, from + ROWS_PER_GROUP)]);
  return out;
}

/** Adds a table and puts the cursor in its name, ready to type over. */
function addTableAndFocus() {
  run("addTable");
  requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLInputElement>("#table-name")?.select()));
}

function firewallBadge(table: Table): string {
  const f = table.firewall;
  if (!f) return "";
  if (f.public) return "public";
  return [f.organization && "org", f.owner && "owner", f.parent && "parent"].filter(Boolean).join("+");
}

function focusRow(index: number, delta: number) {
  document.querySelector<HTMLButtonElement>(`button[data-open="${index + delta}"]`)?.focus();
}

const TableRow = memo(function TableRow({ table, index, last, selected, hasProblems }: { table: Table; index: number; last: boolean; selected: boolean; hasProblems: boolean }) {
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const delta = e.key === "ArrowUp" ? -1 : 1;
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      run("moveTable", { index, to: index + delta });
      requestAnimationFrame(() => focusRow(index, delta));
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      focusRow(index, delta);
    } else if (e.key === "Delete") {
      e.preventDefault();
      run("deleteTable", { index });
    }
  };
  const label = table.name || "(unnamed)";
  const badge = firewallBadge(table);
  return (
    // Fixed height, size and layout containment: a relayout boundary, so a renamed table lays out its row, not the page.
    <div role="listitem" className={`group relative flex h-7 items-center rounded-md [contain:size_layout] ${selected ? "bg-accent-soft" : "hover:bg-hover"}`}>
      <button
        type="button"
        data-open={index}
        onClick={() => run("selectTable", { index })}
        onKeyDown={onKeyDown}
        aria-current={selected ? "page" : undefined}
        title={`${label} (Alt+↑/↓ moves it, Delete removes it)`}
        // The title's keys, for screen readers (a tooltip is the mouse's).
        aria-keyshortcuts="ArrowUp ArrowDown Alt+ArrowUp Alt+ArrowDown Delete"
        className={`flex h-7 min-w-0 flex-1 cursor-pointer items-center gap-2 rounded-md pr-1 pl-2 text-left focus-visible:-outline-offset-2 ${selected ? "font-medium text-accent-text" : "text-fg"}`}
      >
        <Icon name="table" className="size-3.5 shrink-0 opacity-60" />
        <span className="min-w-0 flex-1 truncate font-mono text-[12.5px]">{label}</span>
        {hasProblems ? <ProblemDot /> : badge && (
          <span className="shrink-0 text-[10.5px] text-faint group-focus-within:hidden group-hover:hidden" aria-hidden="true">
            {badge}
          </span>
        )}
      </button>
      <span className="mr-0.5 hidden items-center group-focus-within:flex group-hover:flex">
        <IconButton icon="up" label={`Move ${label} up`} disabled={index === 0} onClick={() => run("moveTable", { index, to: index - 1 })} className="size-5" />
        <IconButton icon="down" label={`Move ${label} down`} disabled={last} onClick={() => run("moveTable", { index, to: index + 1 })} className="size-5" />
      </span>
    </div>
  );
});

function ProblemDot() {
  return (
    <span className="flex shrink-0 items-center" title="Has problems">
      <span className="size-1.5 rounded-full bg-danger" aria-hidden="true" />
      <span className="sr-only">has problems</span>
    </span>
  );
}
