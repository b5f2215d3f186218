"use client";
import { memo } from "react";
import type { TableParts } from "./TableEditor";
import { run } from "../state/commands";
import { useProblems } from "../state/hooks";
import { Checkbox, FieldProblems, Section } from "../ui/controls";
import { ConditionsEditor } from "./ConditionsEditor";

/** Signed-out visitors: may they read rows, or add rows, and under which conditions. */
export const AnonymousEditor = memo(function AnonymousEditor({ tableIndex, table }: { tableIndex: number; table: TableParts }) {
  const path = `tables[${tableIndex}].anonymous`;
  const problems = useProblems(path);
  const anonymous = table.anonymous;
  return (
    <Section title="Signed-out visitors" description="Requests without a token. They never update or delete; anything not ticked is denied.">
      <div className="space-y-2" data-path={path}>
        <div>
          <Checkbox
            label="Signed-out visitors may read rows"
            visibleLabel={<>May read rows</>}
            checked={!!anonymous?.select}
            onValue={(allowed) => run("setAnonymous", { table: tableIndex, op: "select", allowed })}
          />
          {anonymous?.select && (
            <div className="ml-5">
              <ConditionsEditor tableIndex={tableIndex} table={table} list={{ scope: "anonymous", op: "select", list: "where" }} caption="Only rows where" />
            </div>
          )}
        </div>
        <div>
          <Checkbox
            label="Signed-out visitors may add rows"
            visibleLabel={<>May add rows</>}
            checked={!!anonymous?.insert}
            onValue={(allowed) => run("setAnonymous", { table: tableIndex, op: "insert", allowed })}
          />
          {anonymous?.insert && (
            <div className="ml-5">
              <ConditionsEditor tableIndex={tableIndex} table={table} list={{ scope: "anonymous", op: "insert", list: "check" }} caption="New rows must have" />
            </div>
          )}
        </div>
        <FieldProblems problems={problems} />
      </div>
    </Section>
  );
});
