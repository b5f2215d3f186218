import { quoteIdent } from "../design";

/** Quoted only where PostgreSQL needs it, so names read as users write them (and paste into SQL as they are). */
export const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name));

/** `public.todos`, as findings name a table. */
export const tableName = (schema: string, t: { name: string }) => `${ident(schema)}.${ident(t.name)}`;
