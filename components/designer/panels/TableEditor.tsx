"use client";
import { useMemo } from "react";
import type { Table } from "@/lib/design";
import { run } from "../state/commands";
import { useDesigner, useProblems } from "../state/hooks";
import { Button, FieldProblems, TextInput } from "../ui/controls";
import { AccessEditor } from "./AccessEditor";
import { AnonymousEditor } from "./AnonymousEditor";
import { ColumnsEditor } from "./ColumnsEditor";
import { ConditionTokenList } from "./ConditionsEditor";
import { FirewallEditor } from "./FirewallEditor";
import { SharingEditor } from "./SharingEditor";

/** What the sections below the name edit: a rename leaves this object (and those sections) alone. */
export type TableParts = Pick<Table, "columns" | "firewall" | "access" | "anonymous">;

/** The middle column for one table: its name, columns, firewall, access and signed-out access. */
export function TableEditor({ index }: { index: number }) {
  const table = useDesigner((s) => s.design.tables[index]);
  const count = useDesigner((s) => s.design.tables.length);
  const nameProblems = useProblems(`tables[${index}].name`);
  const tableProblems = useProblems(`tables[${index}]`);
  const columns = table?.columns;
  const firewall = table?.firewall;
  const access = table?.access;
  const anonymous = table?.anonymous;
  const parts = useMemo<TableParts>(() => ({ columns: columns ?? [], firewall, access, anonymous }), [columns, firewall, access, anonymous]);
  if (!table) return null;
  return (
    <div className="pb-10">
      {/* `relative`: its own paint layer, so that typing the name repaints the header, not the whole form. */}
      <header className="relative flex items-end gap-3 px-5 pt-4 pb-4">
        <div className="min-w-0 flex-1">
          <label htmlFor="table-name" className="mb-1 block text-[11.5px] font-medium text-muted">
            Table {index + 1} of {count}
          </label>
          {/* A form of its own: Chromium's autofill reads the form of a text box after every change,
              and a box outside any form belongs to one form made of every control on the page outside
              a form, which cost 3-4 ms of the page's main thread after each keystroke on a 100-table
              design (docs/benchmarks.md, "Designer"). Enter does nothing, as before. */}
          <form onSubmit={(e) => e.preventDefault()}>
            {/* Fixed height, size and layout containment: a relayout boundary (the input is not one,
                its width being the column's), so the text typed lays out this box, not the page. */}
            <div className="h-8 [contain:size_layout]">
              <TextInput
                id="table-name"
                label="Table name"
                value={table.name}
                onValue={(name) => run("renameTable", { index, name })}
                problems={nameProblems}
                problemsId="table-name-problems"
                // 15 px, not 14: Chromium clips the underscore of a 13.5-14.5 px monospace (DejaVu Sans
                // Mono) inside a text box at device pixel ratio 1, and names are full of underscores.
                className="h-8 font-mono text-[15px] font-medium"
                data-path={`tables[${index}].name`}
              />
            </div>
          </form>
          <FieldProblems problems={nameProblems} id="table-name-problems" />
        </div>
        <div className="flex items-center gap-1 pb-0.5">
          <Button size="sm" tone="ghost" icon="copy" onClick={() => run("duplicateTable", { index })}>
            Duplicate
          </Button>
          <Button size="sm" tone="danger" icon="trash" onClick={() => run("deleteTable", { index })}>
            Delete
          </Button>
        </div>
      </header>
      <FieldProblems problems={tableProblems} className="px-5 pb-2" />
      <ColumnsEditor tableIndex={index} table={parts} />
      <FirewallEditor tableIndex={index} table={parts} />
      <AccessEditor tableIndex={index} table={parts} />
      <SharingEditor tableIndex={index} table={parts} />
      <AnonymousEditor tableIndex={index} table={parts} />
      <ConditionTokenList />
    </div>
  );
}
