export { readCatalog, CatalogError } from "./catalog";
export type { Catalog, CatalogTable, CatalogColumn, CatalogForeignKey, CatalogPolicy } from "./catalog";
export { proposeDesign, designType } from "./propose";
export type { ImportResult, ImportWarning, ImportOptions } from "./propose";
export { loadSqlDump, openDumpDatabase, DumpError } from "./dump";
export { verifyCurrentPolicies, setupOnly } from "./verify-current";
