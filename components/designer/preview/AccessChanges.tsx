"use client";
import { useMemo } from "react";
import { RECORD_PATH } from "@/lib/compiler";
import { validateDesign, type Model } from "@/lib/design";
// The meaning alone (no database code), so it may run in the page.
import { accessChanges } from "@/lib/verify/access-diff";
import type { Baseline } from "../state/store";

/**
 * Beside the SQL diff, what the change does to access since the last download, from the meaning of
 * the two designs (spec §5): who may now, or no longer, do what.
 */
export default function AccessChangesStrip({ baseline, model }: { baseline: Baseline; model: Model }) {
  const changes = useMemo(() => {
    const record = baseline.files[RECORD_PATH];
    if (!record) return null;
    try {
      const earlier = validateDesign((JSON.parse(record) as { design?: unknown }).design);
      return earlier.ok ? accessChanges(earlier.model, model) : null;
    } catch {
      return null;
    }
  }, [baseline, model]);
  if (changes === null) return null;
  return (
    <section aria-label="Access changes since the last download" className="max-h-32 shrink-0 overflow-y-auto border-b border-line bg-subtle px-3 py-1.5 text-[11.5px]">
      {changes.length === 0 ? (
        <p className="text-muted">Access: the same for every principal and operation as in the last download.</p>
      ) : (
        <ul className="space-y-0.5">
          {changes.map((c) => (
            <li key={`${c.table}\u0000${c.principal}\u0000${c.operation}`} className={c.widened > 0 ? "text-danger" : "text-fg"}>
              <span aria-hidden="true">{c.widened > 0 ? "+ " : "− "}</span>
              {c.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

