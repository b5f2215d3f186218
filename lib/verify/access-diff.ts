import { OPERATIONS, type Model, type ModelTable, type Operation } from "../design";
import { mayDo, type Context, type Row, type Value } from "./oracle";
import { effectiveContext, principalsFor } from "./principals";
import { generateSamples, interestingValues } from "./samples";

/** One table x principal x operation whose meaning differs between two versions of a design. */
export interface AccessChange {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  /** How many of the sample cases the new version allows that the old one refused, and the reverse. */
  readonly widened: number;
  readonly narrowed: number;
  readonly cases: number;
  /** In words: "member of org A may now delete in projects (24 of 24 sample rows)". */
  readonly text: string;
}

function isMembershipTable(model: Model, t: ModelTable): boolean {
  return model.tenancy?.source === "tables" && (t.name === model.tenancy.membership.table || t.name === model.tenancy.activeOrg.table);
}

const VERBS: Record<Operation, string> = { select: "read", insert: "insert into", update: "update", delete: "delete from" };

/**
 * Spec §5: what a change does to access, from the meaning alone (no database): for every table x
 * principal x operation, the sample cases (verify's rows, new rows and updates of both versions)
 * that one version allows and the other does not.
 */
export function accessChanges(before: Model, after: Model): AccessChange[] {
  const principals = unionBy([...principalsFor(after), ...principalsFor(before)], (p) => p.name);
  const changes: AccessChange[] = [];
  const names = unionBy([...after.tables, ...before.tables], (t) => t.name).map((t) => t.name);
  const sameContext = JSON.stringify([before.tenancy, before.roles]) === JSON.stringify([after.tenancy, after.roles]);
  for (const name of names) {
    const oldTable = before.tables.find((t) => t.name === name) ?? null;
    const newTable = after.tables.find((t) => t.name === name) ?? null;
    // Nothing that the meaning reads changed: no case can differ (and large designs stay fast).
    if (sameContext && oldTable && newTable && meaningOf(oldTable) === meaningOf(newTable)) continue;
    const samples = [
      ...(newTable ? [generateSamples(after, newTable, principals, isMembershipTable(after, newTable))] : []),
      ...(oldTable ? [generateSamples(before, oldTable, principals, isMembershipTable(before, oldTable))] : []),
    ];
    const rows = samples.flatMap((s) => s.rows);
    // Each value that decides access in either version, put into each sample row one column at a
    // time: a new row (insert) or an update's new row. Pure, so thousands of cases cost nothing.
    const values = new Map<string, Value[]>();
    for (const [model, t] of [[after, newTable], [before, oldTable]] as const) {
      if (!t) continue;
      for (const [column, list] of interestingValues(model, t, principals)) values.set(column, [...(values.get(column) ?? []), ...list]);
    }
    const changed = (r: Row): Row[] => [...values].flatMap(([column, list]) => list.map((v) => ({ ...r, [column]: v })));
    const candidates = samples.flatMap((s) => s.insertCandidates);
    const cases: Record<Operation, [Row | null, Row | null][]> = {
      select: rows.map((r) => [r, null]),
      delete: rows.map((r) => [r, null]),
      insert: [...candidates, ...candidates.flatMap(changed)].map((n) => [null, n]),
      update: rows.flatMap((r) => [r, ...samples.flatMap((s) => s.updateVariants).map((v) => ({ ...r, ...v })), ...changed(r)].map((n) => [r, n] as [Row, Row])),
    };
    for (const p of principals) {
      const context = (model: Model): Context => ({ signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) });
      for (const op of OPERATIONS) {
        const allowed = (model: Model, t: ModelTable | null, [r, n]: [Row | null, Row | null]) => t !== null && mayDo(model, t, op, context(model), r, n);
        let widened = 0;
        let narrowed = 0;
        for (const c of cases[op]) {
          const was = allowed(before, oldTable, c);
          const is = allowed(after, newTable, c);
          if (is && !was) widened++;
          if (was && !is) narrowed++;
        }
        if (widened === 0 && narrowed === 0) continue;
        const total = cases[op].length;
        const what = op === "update" || op === "insert" ? "sample changes" : "sample rows";
        const text =
          widened > 0 && narrowed === 0
            ? `${p.name} may now ${VERBS[op]} ${name} (${widened} of ${total} ${what})`
            : narrowed > 0 && widened === 0
              ? `${p.name} may no longer ${VERBS[op]} ${name} (${narrowed} of ${total} ${what})`
              : `${p.name}: ${op} on ${name} changes (${widened} of ${total} ${what} newly allowed, ${narrowed} newly refused)`;
        changes.push({ table: name, principal: p.name, operation: op, widened, narrowed, cases: total, text });
      }
    }
  }
  return changes;
}

/** What the meaning (§2) of a table reads: its firewall, rules, signed-out access and column types. */
function meaningOf(t: ModelTable): string {
  return JSON.stringify([t.firewall, t.access, t.anonymous, t.columns.map((c) => [c.name, c.type, c.notNull])]);
}

function unionBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
