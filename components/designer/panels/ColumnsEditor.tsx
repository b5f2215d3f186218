"use client";
import { memo, useId, useState, type KeyboardEvent } from "react";
import type { Column, Problem, Table } from "@/lib/design";
import { COLUMN_TYPES, ON_DELETE_ACTIONS } from "@/lib/design/vocabulary";
import type { TableParts } from "./TableEditor";
import type { ColumnPatch } from "../edits/columns";
import { run } from "../state/commands";
import { useDesigner, useProblems, useWarnings } from "../state/hooks";
import { problemsAt } from "../state/compiled";
import { Combobox } from "../ui/Combobox";
import { Button, Checkbox, FieldProblems, IconButton, Section, Select, TextInput } from "../ui/controls";

/** The columns of one table: name, type, primary key, not null, default, and a reference to another table. */

const GRID = "grid grid-cols-[minmax(0,1.3fr)_112px_22px_22px_minmax(0,1fr)_minmax(0,0.9fr)_22px] items-center gap-x-1.5";

const DEFAULT_SUGGESTIONS: Record<string, readonly string[]> = {
  uuid: ["gen_random_uuid()", "auth.user_id()"],
  text: ["auth.user_id()", "''", "gen_random_uuid()"],
  varchar: ["auth.user_id()", "''"],
  boolean: ["false", "true"],
  timestamptz: ["now()"],
  timestamp: ["now()"],
  date: ["now()"],
  integer: ["0"],
  bigint: ["0"],
  smallint: ["0"],
  numeric: ["0"],
  jsonb: ["'{}'"],
  json: ["'{}'"],
};

export const ColumnsEditor = memo(function ColumnsEditor({ tableIndex, table }: { tableIndex: number; table: TableParts }) {
  const listProblems = useProblems(`tables[${tableIndex}].columns`);
  const deepProblems = useProblems(`tables[${tableIndex}].columns`, true);
  const deepWarnings = useWarnings(`tables[${tableIndex}].columns`, true);
  const listId = useId();
  return (
    <Section
      title="Columns"
      description="Names are quoted in SQL as written. Defaults take literals, now(), gen_random_uuid() or auth.user_id()."
    >
      <div className={`${GRID} pb-1 text-[11px] font-medium text-muted`} aria-hidden="true">
        <span>Name</span>
        <span>Type</span>
        <span title="Primary key">PK</span>
        <span title="Not null">NN</span>
        <span>Default</span>
        <span>References</span>
        <span />
      </div>
      <ul className="space-y-1" aria-label="Columns">
        {table.columns.map((column, index) => (
          <ColumnRow
            key={index}
            tableIndex={tableIndex}
            index={index}
            column={column}
            count={table.columns.length}
            problems={problemsAt(deepProblems, `tables[${tableIndex}].columns[${index}]`, true)}
            warnings={problemsAt(deepWarnings, `tables[${tableIndex}].columns[${index}]`, true)}
            listId={`${listId}-${index}`}
          />
        ))}
      </ul>
      <FieldProblems problems={listProblems} />
      <div className="mt-2">
        <Button
          icon="plus"
          size="sm"
          onClick={() => {
            run("addColumn", { table: tableIndex });
            // Focus moves to the new column's name, ready to type over.
            requestAnimationFrame(() => {
              const names = document.querySelectorAll<HTMLInputElement>('main input[aria-label="Column name"]');
              names[names.length - 1]?.select();
            });
          }}
        >
          Add column
        </Button>
      </div>
    </Section>
  );
});

type Target = { table: string; column: string; type: string };

const targetsOf = new WeakMap<readonly Table[], Target[]>();
const NO_TARGETS: Target[] = [];

/** Columns another column may reference: each table's single-column primary key (the same list for the same tables). */
function referenceTargets(tables: readonly Table[]): Target[] {
  let out = targetsOf.get(tables);
  if (out) return out;
  out = [];
  for (const t of tables) {
    const keys = t.columns.filter((c) => c.primaryKey);
    if (keys.length === 1) out.push({ table: t.name, column: keys[0].name, type: keys[0].type });
  }
  targetsOf.set(tables, out);
  return out;
}

const SEP = "\u0000";

const ColumnRow = memo(function ColumnRow({
  tableIndex,
  index,
  column,
  count,
  problems,
  warnings,
  listId,
}: {
  tableIndex: number;
  index: number;
  column: Column;
  count: number;
  problems: readonly Problem[];
  warnings: readonly Problem[];
  listId: string;
}) {
  const path = `tables[${tableIndex}].columns[${index}]`;
  const at = (sub: string) => problemsAt(problems, `${path}.${sub}`, true);
  const problemsId = `${listId}-problems`;
  const name = column.name || `column ${index + 1}`;
  const type = column.type;
  const knownType = (COLUMN_TYPES as readonly string[]).includes(type);
  const ref = column.references;
  const refValue = ref ? `${ref.table}${SEP}${ref.column}` : "";
  const patch = (p: ColumnPatch) => run("setColumn", { table: tableIndex, column: index, patch: p });

  const onNameKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      const to = index + (e.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= count) return;
      run("moveColumn", { table: tableIndex, column: index, to });
      const input = e.currentTarget;
      requestAnimationFrame(() => input.closest("ul")?.querySelectorAll<HTMLInputElement>('input[aria-label="Column name"]')[to]?.focus());
    } else if (e.key === "Enter") {
      e.preventDefault();
      run("addColumn", { table: tableIndex });
      const input = e.currentTarget;
      requestAnimationFrame(() => {
        const names = input.closest("ul")?.querySelectorAll<HTMLInputElement>('input[aria-label="Column name"]');
        names?.[names.length - 1]?.select();
      });
    }
  };

  return (
    <li data-path={path}>
      <div className={GRID}>
        <TextInput
          label="Column name"
          value={column.name}
          onValue={(value) => run("renameColumn", { table: tableIndex, column: index, name: value })}
          onKeyDown={onNameKey}
          problems={at("name")}
          problemsId={problemsId}
          title="Alt+↑/↓ moves the column; Enter adds another"
          mono
          data-path={`${path}.name`}
        />
        <Combobox
          label="Column type"
          value={type}
          options={knownType ? COLUMN_TYPES : [type, ...COLUMN_TYPES]}
          onValue={(value) => patch({ type: value })}
          invalid={at("type").length > 0}
          data-path={`${path}.type`}
          className="font-mono text-[12.5px]"
        />
        <span className="flex justify-center">
          <Checkbox label="Primary key" checked={column.primaryKey === true} onValue={(v) => patch({ primaryKey: v })} />
        </span>
        <span className="flex justify-center">
          <Checkbox
            label="Not null"
            checked={column.notNull === true || column.primaryKey === true}
            disabled={column.primaryKey === true}
            title={column.primaryKey ? "A primary key is never null" : "Not null"}
            onValue={(v) => patch({ notNull: v })}
          />
        </span>
        <TextInput
          label="Default"
          value={column.default ?? ""}
          placeholder="none"
          onValue={(value) => patch({ default: value })}
          problems={at("default")}
          problemsId={problemsId}
          list={`${listId}-defaults`}
          title={column.default}
          mono
          data-path={`${path}.default`}
        />
        <datalist id={`${listId}-defaults`}>
          {(DEFAULT_SUGGESTIONS[type.replace(/\[\]$/, "")] ?? []).map((s) => (
            <option key={s} value={type.endsWith("[]") ? "'{}'" : s} />
          ))}
        </datalist>
        <ReferenceSelect
          value={refValue}
          label={ref ? `${ref.table}.${ref.column}` : "—"}
          invalid={at("references").length > 0}
          path={`${path}.references`}
          onValue={(value) => {
            if (!value) return patch({ references: null });
            const [table, col] = value.split(SEP);
            patch({ references: { table, column: col, ...(ref?.onDelete ? { onDelete: ref.onDelete } : {}) } });
          }}
        />
        <IconButton icon="trash" tone="danger" label={`Remove column ${name}`} onClick={() => run("removeColumn", { table: tableIndex, column: index })} />
      </div>
      {ref && (
        <div className={`${GRID} mt-1`}>
          <span className="col-span-5 text-right text-[12px] text-muted">on delete of the referenced row</span>
          <Select
            label="On delete"
            value={ref.onDelete ?? ""}
            invalid={at("references.onDelete").length > 0}
            onValue={(value) => {
              const next = { table: ref.table, column: ref.column } as NonNullable<Column["references"]>;
              if (value) next.onDelete = value as NonNullable<typeof ref.onDelete>;
              patch({ references: next });
            }}
          >
            <option value="">default (no action)</option>
            {ON_DELETE_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </Select>
        </div>
      )}
      <FieldProblems problems={problems} warnings={warnings} id={problemsId} />
    </li>
  );
});

/**
 * The reference picker lists every table's key, which in a large design is hundreds of options
 * per column: it reads them, and renders them, only once the picker is focused or pressed, so
 * typing elsewhere (a table's name) never re-renders them, nor the columns.
 */
function ReferenceSelect({
  value,
  label,
  invalid,
  path,
  onValue,
}: {
  value: string;
  label: string;
  invalid: boolean;
  path: string;
  onValue: (value: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const targets = useDesigner((s) => (open ? referenceTargets(s.design.tables) : NO_TARGETS));
  const known = value === "" || targets.some((t) => `${t.table}${SEP}${t.column}` === value);
  return (
    <Select
      label="References"
      value={value}
      invalid={invalid}
      data-path={path}
      className="font-mono text-[12.5px]"
      onFocus={() => setOpen(true)}
      onPointerDown={() => setOpen(true)}
      onValue={onValue}
    >
      <option value="">—</option>
      {(!open || !known) && value !== "" && <option value={value}>{label}</option>}
      {open &&
        targets.map((t) => (
          <option key={`${t.table}.${t.column}`} value={`${t.table}${SEP}${t.column}`}>
            {t.table}.{t.column}
          </option>
        ))}
    </Select>
  );
}
