// The compiler owns the bundle's shape; the database layer only reads it.
export type { Bundle, BundleFile } from "../compiler";
