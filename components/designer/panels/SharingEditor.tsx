"use client";
import { memo, useId } from "react";
import type { TableParts } from "./TableEditor";
import { sharingRuleOf, whyNotShareable } from "../edits/sharing";
import { run } from "../state/commands";
import { useDesigner } from "../state/hooks";
import { Button, Section } from "../ui/controls";
import { useSettled } from "../ui/settled";

/**
 * Sharing (spec §4): rows shared with chosen users through a sharing table. One button makes the
 * sharing table from its template and the select rule that reads it (one undo step).
 */
export const SharingEditor = memo(function SharingEditor({ tableIndex, table }: { tableIndex: number; table: TableParts }) {
  // The sentence naming the sharing table follows the name once typing pauses (300 ms): a text change in the
  // form lays out the whole page (Chromium cannot lay out a box holding a <select> on its own), and this
  // sentence, usually below the fold, need not cost every keystroke a second frame (docs/benchmarks.md).
  const name = useSettled(useDesigner((s) => s.design.tables[tableIndex]?.name ?? ""), 300);
  const sharingIndex = useDesigner((s) => {
    const via = sharingRuleOf(s.design.tables[tableIndex] ?? {})?.sharedVia;
    return via ? s.design.tables.findIndex((t) => t.name === via.table) : -1;
  });
  const via = sharingRuleOf(table)?.sharedVia;
  const why = whyNotShareable(table);
  const whyId = useId();
  return (
    <Section title="Sharing" description="Let users read rows shared with them one by one, beside what their roles allow.">
      {via ? (
        <div className="flex flex-wrap items-center gap-2 text-[12.5px]">
          <span>
            Rows are shared through <span className="font-mono">{via.table}</span> (one row per share: <span className="font-mono">{via.row}</span>, <span className="font-mono">{via.user}</span>); a select rule admits them.
          </span>
          {sharingIndex >= 0 && (
            <Button size="sm" onClick={() => run("selectTable", { index: sharingIndex })}>
              Open {via.table}
            </Button>
          )}
        </div>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <Button size="sm" icon="plus" disabled={why !== null} aria-describedby={why ? whyId : undefined} onClick={() => run("shareRows", { table: tableIndex })}>
            Share rows with users
          </Button>
          <span id={whyId} className="text-[12px] text-muted">
            {why ?? (
              <>
                adds the table <span className="font-mono">{name}_shares</span> (row, user) and a select rule for the rows shared with the signed-in user
              </>
            )}
          </span>
        </div>
      )}
    </Section>
  );
});
