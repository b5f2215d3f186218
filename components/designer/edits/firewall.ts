import type { Column, Design, Firewall, Table } from "@/lib/design";
import { updateTable } from "./tables";

/**
 * Turning a firewall on picks the conventional column when the table has one, and adds it when it
 * does not, so one tick gives a working design (and one undo step takes it all back).
 */

const ORG_NAMES = ["organization_id", "org_id", "tenant_id", "team_id", "workspace_id"];
const OWNER_NAMES = ["user_id", "owner_id", "author_id", "created_by"];

const isIdType = (column: Column) => /^(text|varchar|uuid)$/.test(column.type.trim().toLowerCase());

function pickOrAdd(table: Table, conventional: readonly string[], avoid: string | undefined, added: Column): { table: Table; column: string } {
  const found = conventional.map((n) => table.columns.find((c) => c.name === n && c.name !== avoid && isIdType(c))).find(Boolean);
  if (found) return { table, column: found.name };
  if (table.columns.some((c) => c.name === added.name)) return { table, column: added.name };
  const columns = table.columns.slice();
  const firstNonKey = columns.findIndex((c) => !c.primaryKey);
  columns.splice(firstNonKey < 0 ? columns.length : firstNonKey, 0, added);
  return { table: { ...table, columns }, column: added.name };
}

function withFirewall(table: Table, firewall: Firewall): Table {
  const next = { ...table };
  if (Object.keys(firewall).length > 0) next.firewall = firewall;
  else delete next.firewall;
  return next;
}

export function setOrganizationFirewall(design: Design, tableIndex: number, on: boolean): Design {
  return updateTable(design, tableIndex, (table) => {
    const { public: _public, parent: _parent, ...firewall } = table.firewall ?? {};
    void _public;
    void _parent;
    if (!on) {
      delete firewall.organization;
      return withFirewall(table, firewall);
    }
    if (firewall.organization) return table;
    const picked = pickOrAdd(table, ORG_NAMES, firewall.owner?.column, { name: "organization_id", type: "text", notNull: true });
    return withFirewall(picked.table, { organization: { column: picked.column }, ...firewall });
  });
}

export function setOwnerFirewall(design: Design, tableIndex: number, on: boolean): Design {
  return updateTable(design, tableIndex, (table) => {
    const { public: _public, parent: _parent, ...firewall } = table.firewall ?? {};
    void _public;
    void _parent;
    if (!on) {
      delete firewall.owner;
      return withFirewall(table, firewall);
    }
    if (firewall.owner) return table;
    const picked = pickOrAdd(table, OWNER_NAMES, firewall.organization?.column, { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" });
    return withFirewall(picked.table, { ...firewall, owner: { column: picked.column } });
  });
}

/** A public table has no isolation at all: every signed-in user who passes access shares its rows. */
export function setPublicFirewall(design: Design, tableIndex: number, on: boolean): Design {
  return updateTable(design, tableIndex, (table) => withFirewall(table, on ? { public: true } : {}));
}

/**
 * The columns a table's firewall may go through (spec §4): those referencing another table's
 * primary key. Whether the chain ends somewhere (no cycle) is the validator's to say.
 */
export function parentColumns(design: Pick<Design, "tables">, table: Pick<Table, "name" | "columns">): string[] {
  return table.columns
    .filter((c) => {
      const ref = c.references;
      if (!ref || ref.table === table.name) return false;
      const parent = design.tables.find((t) => t.name === ref.table);
      const key = parent?.columns.filter((k) => k.primaryKey) ?? [];
      return key.length === 1 && key[0]!.name === ref.column;
    })
    .map((c) => c.name);
}

/**
 * Tenancy through a parent stands alone (the row belongs wherever its parent row belongs), so
 * turning it on replaces organization, owner and public; `column` undefined turns it off.
 */
export function setParentFirewall(design: Design, tableIndex: number, column: string | undefined): Design {
  return updateTable(design, tableIndex, (table) => {
    if (column === undefined) {
      if (!table.firewall?.parent) return table;
      const { parent: _parent, ...rest } = table.firewall;
      void _parent;
      return withFirewall(table, rest);
    }
    if (table.firewall?.parent?.column === column && Object.keys(table.firewall).length === 1) return table;
    return withFirewall(table, { parent: { column } });
  });
}

export function setFirewallColumn(design: Design, tableIndex: number, which: "organization" | "owner", column: string): Design {
  return updateTable(design, tableIndex, (table) => {
    const firewall = table.firewall;
    if (!firewall?.[which]) return table;
    return withFirewall(table, { ...firewall, [which]: { ...firewall[which], column } });
  });
}

/**
 * "The owner, or a bypass role" ticks no role by itself: which roles see every row of the
 * organization is the user's choice, and until one is ticked the design says so (a problem
 * under the role boxes) instead of widening access behind the user's back.
 */
export function setOwnerMode(design: Design, tableIndex: number, mode: "required" | "optional"): Design {
  return updateTable(design, tableIndex, (table) => {
    const owner = table.firewall?.owner;
    if (!owner) return table;
    const next = { ...owner };
    if (mode === "required") {
      delete next.mode;
      delete next.bypassRoles;
    } else {
      next.mode = "optional";
    }
    return withFirewall(table, { ...table.firewall, owner: next });
  });
}

export function setBypassRole(design: Design, tableIndex: number, role: string, on: boolean): Design {
  return updateTable(design, tableIndex, (table) => {
    const owner = table.firewall?.owner;
    if (!owner) return table;
    const current = owner.bypassRoles ?? [];
    const declared = design.roles ?? [];
    const roles = on
      ? [...declared.filter((r) => r === role || current.includes(r)), ...current.filter((r) => !declared.includes(r) && r !== role)]
      : current.filter((r) => r !== role);
    const next: NonNullable<Firewall["owner"]> = { ...owner, bypassRoles: roles };
    if (roles.length === 0) delete next.bypassRoles;
    return withFirewall(table, { ...table.firewall, owner: next });
  });
}
