"use client";
import "@xyflow/react/dist/style.css";
import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent } from "react";
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type NodeProps,
} from "@xyflow/react";
import type { Design, Table } from "@/lib/design";
import { run } from "../state/commands";
import { useDesigner } from "../state/hooks";
import { notify } from "../state/store";
import { Button, Select } from "../ui/controls";
import { useDark } from "../ui/theme";

/**
 * The ER view (issue 13): a card per table with its columns and a badge for its firewall and who
 * may do what, foreign keys as edges. Dragging a card moves it (saved in the design's optional
 * `position`, one undo step per drag); dragging from a column's dot onto a table makes the column
 * reference that table, and so does a card's "Reference…" button (a column and a table picked
 * with the keyboard: dragging is the mouse's only). Arrow keys move between cards, Enter or a
 * click opens the table's form.
 * Loaded lazily (next/dynamic): the library is not part of the page's first load.
 */

const CARD_WIDTH = 240;
const GAP_X = 300;
const GAP_Y = 280;
const PER_ROW = 4;

type CardData = { table: Table; index: number; onOpen: (index: number) => void };
type CardNode = Node<CardData, "table">;

/** Where a card is drawn: its saved position, else a grid by table order. */
export function positionOf(table: Table, index: number): { x: number; y: number } {
  return table.position ?? { x: (index % PER_ROW) * GAP_X, y: Math.floor(index / PER_ROW) * GAP_Y };
}

function firewallBadge(table: Table): string {
  const f = table.firewall;
  if (!f) return "no firewall";
  if (f.public) return "public";
  // A parent firewall isolates the row wherever its parent row belongs (spec §4).
  return [f.organization && "org", f.owner && (f.owner.mode === "optional" ? "owner?" : "owner"), f.parent && `via ${f.parent.column}`].filter(Boolean).join("+") || "no firewall";
}

const OPS = ["select", "insert", "update", "delete"] as const;

/** Who may do what, short: "S all · I 2 · U 2" (the title and the screen-reader text say it in words). */
function accessBadge(table: Table): { short: string; words: string } {
  const parts = OPS.flatMap((op) => {
    const given = table.access?.[op];
    const rules = given === undefined ? [] : Array.isArray(given) ? given : [given];
    if (rules.length === 0) return [];
    // A list admits when any rule does: anyone signed in if one rule names no roles, else the union of the roles.
    const roles = rules.some((rule) => !rule.roles) ? null : [...new Set(rules.flatMap((rule) => rule.roles ?? []))];
    const who = roles ? `${roles.length}` : "all";
    const more = rules.length > 1 ? ` (${rules.length} rules)` : "";
    return [{ short: `${op[0]!.toUpperCase()} ${who}`, words: `${op}: ${roles ? roles.join(", ") : "any member"}${more}` }];
  });
  if (parts.length === 0) return { short: "no access", words: "nobody may read or write" };
  return { short: parts.map((p) => p.short).join(" · "), words: parts.map((p) => p.words).join("; ") };
}

function focusCard(index: number) {
  document.querySelector<HTMLButtonElement>(`[data-canvas-table="${index}"]`)?.focus();
}

/** The card nearest to `from` in the arrow's direction (ties broken by distance). */
function nextCard(design: Design, from: number, key: string): number | null {
  const at = positionOf(design.tables[from], from);
  let best: number | null = null;
  let bestScore = Infinity;
  design.tables.forEach((t, i) => {
    if (i === from) return;
    const p = positionOf(t, i);
    const dx = p.x - at.x;
    const dy = p.y - at.y;
    const along = key === "ArrowRight" ? dx : key === "ArrowLeft" ? -dx : key === "ArrowDown" ? dy : -dy;
    const across = key === "ArrowRight" || key === "ArrowLeft" ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0) return;
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

const TableCard = memo(function TableCard({ data }: NodeProps<CardNode>) {
  const { table, index, onOpen } = data;
  const flow = useReactFlow();
  const design = useDesigner((s) => s.design);
  const access = accessBadge(table);
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!e.key.startsWith("Arrow")) return;
    e.preventDefault();
    e.stopPropagation();
    const next = nextCard(design, index, e.key);
    if (next === null) return;
    const p = positionOf(design.tables[next], next);
    void flow.setCenter(p.x + CARD_WIDTH / 2, p.y + 80, { zoom: flow.getZoom(), duration: 0 });
    requestAnimationFrame(() => focusCard(next));
  };
  return (
    <div className="rounded-lg border border-line-strong bg-panel text-fg shadow-sm" style={{ width: CARD_WIDTH }}>
      <Handle type="target" position={Position.Left} className="!h-6 !w-2 !rounded-sm !border-0 !bg-accent" title={`Reference ${table.name}`} />
      <div className="flex items-start gap-2 border-b border-line px-2.5 py-1.5">
        <button
          type="button"
          data-canvas-table={index}
          onClick={() => onOpen(index)}
          onKeyDown={onKey}
          aria-label={`${table.name || "untitled table"}: open its form`}
          className="min-w-0 flex-1 cursor-pointer truncate text-left font-mono text-[12.5px] font-semibold hover:underline"
        >
          {table.name || "untitled"}
        </button>
        <span className="shrink-0 rounded bg-accent-soft px-1.5 py-px text-[10.5px] font-medium text-accent-text" title={`Firewall: ${firewallBadge(table)}`}>
          <span className="sr-only">firewall </span>
          {firewallBadge(table)}
        </span>
      </div>
      <p className="border-b border-line bg-subtle px-2.5 py-0.5 text-[10.5px] text-muted" title={access.words}>
        <span aria-hidden="true">{access.short}</span>
        <span className="sr-only">access: {access.words}</span>
      </p>
      <ul className="py-1" aria-label={`${table.name} columns`}>
        {table.columns.map((column, j) => (
          <li key={j} className="relative flex items-center gap-2 px-2.5 py-px font-mono text-[11px]">
            <span className="min-w-0 flex-1 truncate">
              {column.primaryKey && (
                <span className="mr-1 rounded bg-subtle px-0.5 text-[9.5px] font-semibold text-muted" title="primary key">
                  PK
                </span>
              )}
              {column.name}
              {column.references && <span className="sr-only">, references {column.references.table}</span>}
            </span>
            <span className="shrink-0 text-muted">{column.type}</span>
            <Handle
              type="source"
              id={`c${j}`}
              position={Position.Right}
              className="!size-2 !border-0 !bg-muted"
              title={`Drag ${table.name}.${column.name} onto a table to reference it`}
            />
          </li>
        ))}
      </ul>
      <ReferencePicker table={table} index={index} tables={design.tables} />
    </div>
  );
});

/** The column a new reference starts from: the first that is neither the key nor a reference yet. */
function defaultColumn(table: Table): number {
  const free = table.columns.findIndex((c) => !c.primaryKey && !c.references);
  return Math.max(0, free);
}

/**
 * The keyboard's way to what dragging a column's dot does: a column and a table chosen in two
 * selects, then the same `addReference` command. Focus goes into the form when it opens and back
 * to its button when it closes (Add, Cancel or Escape); the change is announced as a notice.
 * `nodrag nopan nokey` keep React Flow from treating clicks and keys here as the canvas's own.
 */
function ReferencePicker({ table, index, tables }: { table: Table; index: number; tables: readonly Table[] }) {
  const [open, setOpen] = useState(false);
  const [column, setColumn] = useState(0);
  const [target, setTarget] = useState(0);
  const opener = useRef<HTMLButtonElement>(null);
  const name = table.name || "untitled table";
  if (table.columns.length === 0) return null;

  const show = () => {
    setColumn(defaultColumn(table));
    const other = tables.findIndex((_, i) => i !== index);
    setTarget(other === -1 ? index : other);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => opener.current?.focus());
  };
  const add = () => {
    const columnName = table.columns[column]?.name;
    const targetName = tables[target]?.name;
    if (columnName === undefined || targetName === undefined) return;
    run("addReference", { table: index, column, target });
    notify(`${name}.${columnName} now references ${targetName} (undo with Ctrl+Z)`);
    close();
  };

  if (!open) {
    return (
      <div className="nodrag nopan nokey border-t border-line px-2.5 py-1">
        <button
          ref={opener}
          type="button"
          onClick={show}
          aria-label={`Add a reference from a column of ${name}`}
          className="cursor-pointer rounded text-[11px] font-medium text-accent-text hover:underline"
        >
          Reference…
        </button>
      </div>
    );
  }
  return (
    <div
      role="group"
      aria-label={`Add a reference from ${name}`}
      className="nodrag nopan nokey flex flex-col gap-1 border-t border-line px-2.5 py-1.5 text-[11px]"
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        close();
      }}
    >
      <label className="flex items-center gap-1.5">
        <span className="w-16 shrink-0 text-muted">Column</span>
        <Select label="Column" value={String(column)} onValue={(v) => setColumn(Number(v))} autoFocus className="font-mono text-[11.5px]">
          {table.columns.map((c, j) => (
            <option key={j} value={j}>
              {c.name || "untitled"}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex items-center gap-1.5">
        <span className="w-16 shrink-0 text-muted">references</span>
        <Select label="References table" value={String(target)} onValue={(v) => setTarget(Number(v))} className="font-mono text-[11.5px]">
          {tables.map((t, i) => (
            <option key={i} value={i}>
              {t.name || "untitled"}
              {i === index ? " (this table)" : ""}
            </option>
          ))}
        </Select>
      </label>
      <div className="flex justify-end gap-1">
        <Button size="sm" tone="ghost" onClick={close}>
          Cancel
        </Button>
        <Button size="sm" tone="primary" onClick={add}>
          Add reference
        </Button>
      </div>
    </div>
  );
}

const NODE_TYPES = { table: TableCard };

function CanvasInner({ onOpen }: { onOpen: (index: number) => void }) {
  const tables = useDesigner((s) => s.design.tables);
  const dark = useDark();
  const designNodes = useMemo<CardNode[]>(
    () => tables.map((table, index) => ({ id: `t${index}`, type: "table", position: positionOf(table, index), data: { table, index, onOpen }, dragHandle: undefined })),
    [tables, onOpen],
  );
  // While a card is dragged, its position lives here; the design gets it when the drag ends.
  const [nodes, setNodes] = useState<CardNode[]>(designNodes);
  // A new design (an edit, undo) replaces them, adjusted while rendering rather than in an effect.
  // Each card keeps its measured size: React Flow hides a node it has no size for until it measures
  // it again, and a hidden card drops the keyboard focus (its "Reference…" button, its name).
  const [shown, setShown] = useState(designNodes);
  if (shown !== designNodes) {
    setShown(designNodes);
    setNodes((current) => {
      const measured = new Map(current.map((node) => [node.id, node.measured]));
      return designNodes.map((node) => {
        const size = measured.get(node.id);
        return size ? { ...node, measured: size } : node;
      });
    });
  }
  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => setNodes((current) => applyNodeChanges(changes, current)), []);

  const edges = useMemo<Edge[]>(() => {
    const byName = new Map(tables.map((t, i) => [t.name, i]));
    return tables.flatMap((table, i) =>
      table.columns.flatMap((column, j) => {
        const target = column.references ? byName.get(column.references.table) : undefined;
        if (target === undefined) return [];
        return [{ id: `e${i}-${j}`, source: `t${i}`, sourceHandle: `c${j}`, target: `t${target}`, ariaLabel: `${table.name}.${column.name} references ${column.references!.table}` }];
      }),
    );
  }, [tables]);

  const onConnect = useCallback((c: Connection) => {
    const table = Number(c.source.slice(1));
    const target = Number(c.target.slice(1));
    const column = Number(c.sourceHandle?.slice(1));
    if (Number.isInteger(column)) run("addReference", { table, column, target });
  }, []);

  return (
    <ReactFlow<CardNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodesChange={onNodesChange}
      onNodeDragStop={(_, node) => run("placeTable", { index: node.data.index, x: node.position.x, y: node.position.y })}
      onConnect={onConnect}
      colorMode={dark ? "dark" : "light"}
      fitView
      fitViewOptions={{ padding: 0.15 }}
      minZoom={0.1}
      nodesFocusable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
    >
      <Background />
      <Controls aria-label="Canvas zoom" />
      <MiniMap pannable zoomable ariaLabel="Minimap of the tables" />
    </ReactFlow>
  );
}

export default function Canvas({ onOpen }: { onOpen: (index: number) => void }) {
  return (
    <section aria-label="Tables canvas" className="h-full min-h-[60dvh] w-full">
      <ReactFlowProvider>
        <CanvasInner onOpen={onOpen} />
      </ReactFlowProvider>
    </section>
  );
}
