export { openDatabase, DEFAULT_PGLITE_DIR } from "./open";
export { DatabaseError, redactUrl } from "./types";
export type { Database, Session, QueryResult } from "./types";
export { apply, applyWithin, pendingMigrations, ApplyError } from "./apply";
export type { ApplyOptions, ApplyProgress, ApplyResult } from "./apply";
export { readJournal, readMigrations, JournalError } from "./journal";
export type { Journal, Migration } from "./journal";
export type { Bundle, BundleFile } from "./bundle";
