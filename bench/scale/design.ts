import { template, type Design } from "../../lib/design";

/**
 * A design of `copies * 2` tables: the saas template's projects and documents, renamed
 * projects_1, documents_1, ... with each documents_k referencing its own projects_k, as a real
 * application's tables reference each other in small clusters.
 */
export function largeDesign(copies: number, base: Design = template("saas")): Design {
  const names = new Set(base.tables.map((t) => t.name));
  const rename = (name: string, k: number) => `${name}_${k}`;
  const tables = Array.from({ length: copies }, (_, i) => i + 1).flatMap((k) =>
    base.tables.map((t) => ({
      ...t,
      name: rename(t.name, k),
      columns: t.columns.map((c) =>
        c.references && names.has(c.references.table) ? { ...c, references: { ...c.references, table: rename(c.references.table, k) } } : c,
      ),
    })),
  );
  return { ...base, name: `${base.name}_${copies * base.tables.length}`, tables } as Design;
}
