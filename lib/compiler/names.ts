import { MAX_IDENTIFIER_BYTES, utf8Length } from "../design";

/** FNV-1a, 32 bits: a short, stable tag for names that had to be shortened. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0").slice(0, 6);
}

function truncateToBytes(text: string, maxBytes: number): string {
  let out = "";
  for (const char of text) {
    if (utf8Length(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

/**
 * `<base>_<suffix>` within PostgreSQL's 63-byte limit. PostgreSQL would silently truncate a
 * longer name, and two policies or indexes could then collide; a shortened name keeps a hash
 * of the full one instead.
 */
export function derivedName(base: string, suffix: string): string {
  const full = `${base}_${suffix}`;
  if (utf8Length(full) <= MAX_IDENTIFIER_BYTES) return full;
  const tag = `_${shortHash(full)}_${suffix}`;
  return truncateToBytes(base, MAX_IDENTIFIER_BYTES - utf8Length(tag)) + tag;
}

/** Reserve `name` among names already used; on a clash, derive a distinct one. */
export function uniqueName(wanted: string, used: Set<string>): string {
  let name = wanted;
  for (let attempt = 1; used.has(name); attempt++) name = derivedName(truncateToBytes(wanted, 40), `${shortHash(`${wanted}#${attempt}`)}`);
  used.add(name);
  return name;
}

/**
 * The name PostgreSQL gives a table's primary key when the SQL names none (`<table>_pkey`, the
 * table's name clipped to fit). schema.ts and drizzle-kit's snapshot name composite keys so, or
 * drizzle-kit would see its own `<table>_<columns>_pk` missing and plan to re-create the key.
 */
export function defaultPrimaryKeyName(table: string): string {
  return `${truncateToBytes(table, MAX_IDENTIFIER_BYTES - "_pkey".length)}_pkey`;
}
