"use client";
import type { Problem } from "@/lib/design";
import { run } from "../state/commands";
import { tableOfProblem } from "../state/compiled";
import { useDesigner } from "../state/hooks";
import { Icon } from "../ui/icons";

/**
 * Every problem of an invalid design, each with its path in the file. Choosing one opens the
 * table (or the project) and puts the cursor in the field it is about.
 */
export function ProblemsList({ problems }: { problems: readonly Problem[] }) {
  const tables = useDesigner((s) => s.design.tables);
  const open = (problem: Problem) => openProblem(problem, tables.length);
  return (
    <div className="p-3" role="region" aria-label="Problems">
      <div className="mb-3 flex items-start gap-2 rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-[12.5px]">
        <Icon name="alert" className="mt-0.5 size-4 shrink-0 text-danger" />
        <div>
          <p className="font-medium text-danger">
            The design has {problems.length} {problems.length === 1 ? "problem" : "problems"}.
          </p>
          <p className="text-muted">The SQL above is marked stale until they are fixed, and the bundle cannot be downloaded.</p>
        </div>
      </div>
      <ul className="space-y-1">
        {problems.map((problem, i) => {
          const index = tableOfProblem(problem);
          const where = index !== null ? (tables[index]?.name || `table ${index + 1}`) : "project";
          return (
            <li key={i}>
              <button
                type="button"
                onClick={() => open(problem)}
                className="w-full cursor-pointer rounded-md border border-line px-3 py-1.5 text-left transition-colors hover:border-line-strong hover:bg-hover"
              >
                <span className="block text-[12.5px] text-fg">{problem.message}</span>
                <span className="block font-mono text-[11px] text-muted">
                  {where} · {problem.path || "(design)"}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Opens the table (or the project) a problem is about and focuses its field. */
export function openProblem(problem: Problem, tableCount: number) {
  const index = tableOfProblem(problem);
  if (index !== null && index < tableCount) run("selectTable", { index });
  else run("selectProject");
  requestAnimationFrame(() => focusPath(problem.path));
}

/** Warnings do not stop the bundle; they sit above the preview until dealt with. */
export function WarningsStrip({ warnings }: { warnings: readonly Problem[] }) {
  const tableCount = useDesigner((s) => s.design.tables.length);
  return (
    <div role="region" aria-label="Warnings" className="max-h-28 shrink-0 overflow-y-auto border-b border-line bg-warn-soft px-3 py-1.5 text-[12px]">
      <ul className="space-y-0.5">
        {warnings.map((warning, i) => (
          <li key={i}>
            <button type="button" onClick={() => openProblem(warning, tableCount)} className="flex w-full cursor-pointer gap-1.5 text-left text-warn hover:underline">
              <Icon name="alert" className="mt-px size-3.5 shrink-0" />
              <span>
                <span className="sr-only">Warning: </span>
                {warning.message} <span className="font-mono text-[11px] opacity-75">{warning.path}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Focuses the field for a problem path, or the nearest enclosing element that has one. */
export function focusPath(path: string) {
  let current = path;
  while (current) {
    const element = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(current)}"]`);
    if (element) {
      const focusable = element.matches("input, select, textarea, button") ? element : element.querySelector<HTMLElement>("input, select, textarea, button");
      (focusable ?? element).focus();
      element.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    current = current.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
  }
}
