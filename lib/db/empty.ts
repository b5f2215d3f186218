import type { Database } from "./types";

/**
 * Drops everything a bundle created in the embedded database (every schema but PostgreSQL's own,
 * then a fresh `public`), so a changed design can be applied from scratch. Refused on any other
 * database: nothing in this project drops a server's data.
 */
export async function emptyEmbeddedDatabase(db: Database): Promise<string[]> {
  if (db.kind !== "pglite") throw new Error(`only the embedded database can be emptied; ${db.location} is a server`);
  return db.transaction(async (tx) => {
    const schemas = await tx.query<{ name: string }>(
      `select nspname as name from pg_catalog.pg_namespace
        where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname not like 'pg\\_temp%' and nspname not like 'pg\\_toast\\_temp%'
        order by 1`,
    );
    for (const { name } of schemas.rows) await tx.exec(`DROP SCHEMA "${name.replaceAll('"', '""')}" CASCADE`);
    await tx.exec("CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO PUBLIC;");
    return schemas.rows.map((r) => r.name);
  });
}
