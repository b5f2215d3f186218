/**
 * The compiler and the design file's validator (zod): the largest part of the designer's code,
 * loaded after the page in a chunk of its own (see loadEngine in compiled.ts), so that the first
 * load stays small. Nothing else of the page imports them.
 */
export { compileDesign, compileNextVersion, createCompileCache, RECORD_PATH, VersionError } from "@/lib/compiler";
export { parseDesignShape } from "@/lib/design/validate";
