"use client";
import { useMemo, useState } from "react";
import { quoteIdent, sqlLiteral, type Design, type Operation } from "@/lib/design";
import { ApiRequestError, postApi, requestExplain } from "@/lib/apply/client";
import type { ExplainReport } from "@/lib/apply/explain";
import type { PlaygroundPrincipal, PlaygroundView, StatementResult, TableView } from "@/lib/playground/session";
import { principalsFor } from "@/lib/verify/principals";
import { Explanation } from "../apply/CellExplanation";
import { Spinner } from "../apply/FailureCard";
import { compiled as compiledDesign } from "../state/compiled";
import { Button } from "../ui/controls";

type Answer<K extends string, T> = { ok: true } & Record<K, T>;
type Failed = { ok: false; error: { message: string } };

const CUSTOM = "(custom token)";
const show = (value: unknown) => (value === null || value === undefined ? "NULL" : typeof value === "object" ? JSON.stringify(value) : String(value));
const messageOf = (error: unknown) => (error instanceof ApiRequestError ? error.message : error instanceof Error ? error.message : String(error));

/**
 * "View as": the design as one principal sees it in the embedded database. Everything runs on
 * the server (lib/playground) as that principal, inside a transaction that is rolled back: the
 * sample rows with what the principal may do to each, the sample inserts that pass, and any one
 * statement the user writes.
 */
export function ViewAs({ design }: { design: Design }) {
  // The designer's own compilation of this design object: one compile per edit, not two.
  const compiled = compiledDesign(design);
  const model = compiled.ok ? compiled.model : null;
  const names = useMemo(() => (model ? principalsFor(model).map((p) => p.name) : []), [model]);
  const [choice, setChoice] = useState(names[0] ?? CUSTOM);
  const [claims, setClaims] = useState('{\n  "sub": "user-1"\n}');
  const [signedIn, setSignedIn] = useState(true);
  const [memberships, setMemberships] = useState("");
  const [activeOrg, setActiveOrg] = useState("");
  const [view, setView] = useState<{ state: "idle" } | { state: "loading" } | { state: "done"; view: PlaygroundView } | { state: "failed"; message: string }>({ state: "idle" });
  const [sql, setSql] = useState("");
  const [result, setResult] = useState<{ state: "idle" } | { state: "loading" } | { state: "done"; result: StatementResult } | { state: "failed"; message: string }>({ state: "idle" });
  const [cell, setCell] = useState<{ table: string; operation: Operation; state: "loading" | "done" | "failed"; report?: ExplainReport; message?: string } | null>(null);
  const tablesTenancy = model?.tenancy?.source === "tables";

  const principal = (): PlaygroundPrincipal | string => {
    if (choice !== CUSTOM) return { kind: "verify", name: choice };
    let parsed: unknown;
    try {
      parsed = JSON.parse(claims);
    } catch {
      return "claims: not valid JSON";
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "claims: expected a JSON object, e.g. {\"sub\": \"user-1\"}";
    const rows = memberships.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => l.split(/\s+/));
    const bad = rows.findIndex((r) => r.length !== 2);
    if (bad >= 0) return `memberships, line ${bad + 1}: expected "organization role"`;
    return { kind: "custom", signedIn, claims: parsed as Record<string, never>, ...(tablesTenancy ? { memberships: rows.map(([org, role]) => ({ org, role })), activeOrg: activeOrg.trim() || null } : {}) };
  };

  const load = async () => {
    const p = principal();
    if (typeof p === "string") return setView({ state: "failed", message: p });
    setView({ state: "loading" });
    setCell(null);
    try {
      const answer = await postApi<Answer<"view", PlaygroundView> | Failed>("/api/playground/view", { design, principal: p });
      setView(answer.ok ? { state: "done", view: answer.view } : { state: "failed", message: answer.error.message });
    } catch (error) {
      setView({ state: "failed", message: messageOf(error) });
    }
  };

  const runSql = async () => {
    const p = principal();
    if (typeof p === "string") return setResult({ state: "failed", message: p });
    setResult({ state: "loading" });
    try {
      const answer = await postApi<Answer<"result", StatementResult> | Failed>("/api/playground/run", { design, principal: p, sql });
      setResult(answer.ok ? { state: "done", result: answer.result } : { state: "failed", message: answer.error.message });
    } catch (error) {
      setResult({ state: "failed", message: messageOf(error) });
    }
  };

  const explain = async (table: string, operation: Operation) => {
    if (view.state !== "done" || !view.view.principal.explainable) return;
    setCell({ table, operation, state: "loading" });
    try {
      const report = await requestExplain({ design: design as unknown as Record<string, unknown>, destination: { kind: "embedded" }, table, principal: view.view.principal.name, operation });
      setCell({ table, operation, state: "done", report });
    } catch (error) {
      setCell({ table, operation, state: "failed", message: messageOf(error) });
    }
  };

  const editRow = (t: TableView, values: Record<string, unknown>) => {
    const others = t.columns.filter((c) => !t.primaryKey.includes(c));
    const literal = (v: unknown) => (v === null || v === undefined ? "NULL" : typeof v === "number" || typeof v === "boolean" ? String(v) : sqlLiteral(String(v)));
    const set = (others.length ? others : t.primaryKey).map((c) => `${quoteIdent(c)} = ${literal(values[c])}`).join(", ");
    const where = t.primaryKey.map((c) => `${quoteIdent(c)} = ${literal(values[c])}`).join(" AND ");
    setSql(`UPDATE public.${quoteIdent(t.table)}\n   SET ${set}\n WHERE ${where}`);
  };

  if (!model) return <p className="text-danger">The design has problems: fix them to view it as a principal.</p>;
  return (
    <section aria-labelledby="view-as-title" className="border-t border-line px-5 py-4 text-[12.5px]">
      <h2 id="view-as-title" className="mb-1 text-[12px] font-semibold tracking-wide text-fg uppercase">
        View as
      </h2>
      <p className="mb-2 text-muted">
        On the embedded database, as the principal (its role and its claims), in a transaction that is always rolled back: verify&apos;s sample rows replace the tables&apos; rows there, and nothing you run is kept.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-0.5">
          <span className="text-muted">Principal</span>
          <select className="rounded border border-line bg-panel px-2 py-1" value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Principal">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            <option value={CUSTOM}>{CUSTOM}</option>
          </select>
        </label>
        <Button tone="primary" onClick={() => void load()} disabled={view.state === "loading"}>
          {view.state === "loading" && <Spinner />}
          Show rows
        </Button>
      </div>
      {choice === CUSTOM && (
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          <label className="flex flex-col gap-0.5">
            <span className="text-muted">Claims (request.jwt.claims, JSON)</span>
            <textarea className="min-h-20 rounded border border-line bg-panel p-1 font-mono text-[12px]" value={claims} onChange={(e) => setClaims(e.target.value)} aria-label="Claims" spellCheck={false} />
          </label>
          <div className="flex flex-col gap-2">
            <label className="flex items-center gap-1.5">
              <input type="checkbox" checked={signedIn} onChange={(e) => setSignedIn(e.target.checked)} /> Signed in (else the anonymous role)
            </label>
            {tablesTenancy && (
              <>
                <label className="flex flex-col gap-0.5">
                  <span className="text-muted">Memberships of claims.sub, one &quot;organization role&quot; a line</span>
                  <textarea className="min-h-12 rounded border border-line bg-panel p-1 font-mono text-[12px]" value={memberships} onChange={(e) => setMemberships(e.target.value)} aria-label="Memberships" spellCheck={false} />
                </label>
                <label className="flex flex-col gap-0.5">
                  <span className="text-muted">Active organization</span>
                  <input className="rounded border border-line bg-panel px-1 font-mono" value={activeOrg} onChange={(e) => setActiveOrg(e.target.value)} aria-label="Active organization" />
                </label>
              </>
            )}
          </div>
        </div>
      )}
      {view.state === "failed" && (
        <p role="alert" className="mt-2 text-danger">
          {view.message}
        </p>
      )}
      {view.state === "done" && (
        <div className="mt-3 space-y-4">
          <p className="text-muted">
            As role <code className="font-mono">{view.view.principal.role}</code> with claims <code className="font-mono break-all">{view.view.principal.claims || "(none)"}</code>.{" "}
            {view.view.principal.explainable ? "Click S, U or D to see why." : "A custom token has no explanation (verify's principals do)."}
          </p>
          {view.view.tables.map((t) => (
            <TableRows key={t.table} table={t} onExplain={(op) => void explain(t.table, op)} onEdit={(values) => editRow(t, values)} explainable={view.view.principal.explainable} />
          ))}
          {cell && (
            <div aria-live="polite">
              <h3 className="font-semibold">
                Why: {cell.table} / {view.view.principal.name} / {cell.operation}
              </h3>
              {cell.state === "loading" && <Spinner />}
              {cell.state === "failed" && <p role="alert" className="text-danger">{cell.message}</p>}
              {cell.state === "done" && cell.report && <Explanation report={cell.report} />}
            </div>
          )}
        </div>
      )}
      <div className="mt-4">
        <label className="flex flex-col gap-0.5">
          <span className="text-muted">One statement, run as the principal and rolled back</span>
          <textarea className="min-h-20 rounded border border-line bg-panel p-1 font-mono text-[12px]" value={sql} onChange={(e) => setSql(e.target.value)} aria-label="SQL statement" spellCheck={false} placeholder={`SELECT * FROM public.${quoteIdent(model.tables[0]?.name ?? "t")}`} />
        </label>
        <Button className="mt-1" onClick={() => void runSql()} disabled={result.state === "loading" || sql.trim() === ""}>
          {result.state === "loading" && <Spinner />}
          Run as principal
        </Button>
        {result.state === "failed" && <p role="alert" className="mt-1 text-danger">{result.message}</p>}
        {result.state === "done" && <StatementOutcome result={result.result} />}
      </div>
    </section>
  );
}

const OPS = [
  ["select", "S"],
  ["update", "U"],
  ["delete", "D"],
] as const;

function TableRows({ table, onExplain, onEdit, explainable }: { table: TableView; onExplain: (op: Operation) => void; onEdit: (values: Record<string, unknown>) => void; explainable: boolean }) {
  const passed = table.inserts.filter((i) => i.database.inserted).length;
  return (
    <div>
      <h3 className="font-semibold">
        <span className="font-mono">{table.table}</span> <span className="font-normal text-muted">({table.rows.length} sample rows; {passed} of {table.inserts.length} sample inserts pass)</span>
      </h3>
      {Object.entries(table.errors).map(([op, message]) => (
        <p key={op} className="text-muted">
          {op}: {message}
        </p>
      ))}
      <div className="max-h-64 overflow-auto rounded border border-line" tabIndex={0} role="region" aria-label={`${table.table} rows`}>
        <table className="w-full border-collapse font-mono text-[11.5px]" data-table={table.table}>
          <thead className="sticky top-0 bg-subtle">
            <tr>
              {OPS.map(([op, letter]) => (
                <th key={op} className="px-1" title={op}>
                  {letter}
                </th>
              ))}
              {table.columns.map((c) => (
                <th key={c} className="px-1 text-left">
                  {c}
                </th>
              ))}
              <th className="px-1" />
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.key} className="border-t border-line">
                {OPS.map(([op]) => {
                  const may = r.database[op];
                  const agrees = may === r.meaning[op];
                  const label = `${op} ${may ? "allowed" : "refused"}${agrees ? "" : " (the design says otherwise)"}`;
                  return (
                    <td key={op} className="px-1 text-center">
                      <button type="button" disabled={!explainable} onClick={() => onExplain(op)} aria-label={`${label}, row ${r.key}`} title={label} data-op={op} data-may={may ? "yes" : "no"} className={`rounded px-0.5 ${agrees ? (may ? "text-ok" : "text-muted") : "bg-danger-soft font-bold text-danger"}`}>
                        {may ? "✓" : "✗"}
                      </button>
                    </td>
                  );
                })}
                {table.columns.map((c) => (
                  <td key={c} className="max-w-48 truncate px-1" title={show(r.values[c])}>
                    {show(r.values[c])}
                  </td>
                ))}
                <td className="px-1">
                  <button type="button" className="text-accent-text underline" onClick={() => onEdit(r.values)} aria-label={`Edit row ${r.key}`}>
                    edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.inserts.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer">Sample inserts: {passed} pass</summary>
          <ul className="font-mono text-[11px]">
            {table.inserts.map((i) => (
              <li key={i.key} className={i.database.inserted === i.meaning ? "" : "text-danger"}>
                {i.database.inserted ? "✓ inserted" : `✗ ${i.database.sqlstate ?? ""} ${i.database.message ?? ""}`} · {table.columns.map((c) => `${c}=${show(i.values[c])}`).join(" ")}
                {(i.database.inserted === i.meaning ? "" : " (the design says otherwise)")}
                {explainable ? (
                  <button type="button" className="ml-1 text-accent-text underline" onClick={() => onExplain("insert")}>
                    why
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function StatementOutcome({ result }: { result: StatementResult }) {
  if (!result.ok) {
    return (
      <p role="alert" className="mt-1 text-danger" data-testid="statement-error">
        {result.refused ? "Not run: " : `Error${result.sqlstate ? ` ${result.sqlstate}` : ""}: `}
        {result.message} <span className="text-muted">(rolled back)</span>
      </p>
    );
  }
  return (
    <div className="mt-1" data-testid="statement-result">
      <p role="status">
        {result.rowCount} row{result.rowCount === 1 ? "" : "s"} as <code className="font-mono">{result.principal.role}</code>; rolled back, nothing kept.
        {result.truncated ? " (first 200 shown)" : ""}
      </p>
      {result.columns.length > 0 && (
        <div className="max-h-64 overflow-auto rounded border border-line" tabIndex={0} role="region" aria-label="Statement result">
          <table className="w-full border-collapse font-mono text-[11.5px]">
            <thead className="sticky top-0 bg-subtle">
              <tr>
                {result.columns.map((c) => (
                  <th key={c} className="px-1 text-left">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row, i) => (
                <tr key={i} className="border-t border-line">
                  {result.columns.map((c) => (
                    <td key={c} className="px-1">
                      {show(row[c])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
