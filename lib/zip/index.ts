import { zipSync, type Zippable } from "fflate";

/** One file of a compiled bundle; structurally the same as the compiler's `BundleFile`. */
export interface ZipEntry {
  readonly path: string;
  readonly contents: string;
}

/**
 * Every entry gets this modification time, so that the same bundle always gives the same bytes.
 * fflate reads the date's local fields (DOS time has no zone), so a local-time constructor
 * yields 1980-01-01 00:00 in the archive whatever the machine's time zone is.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * A zip archive holding exactly the bundle's files, at exactly the bundle's paths, in bundle order.
 * Deterministic: no timestamps, no directory entries, UTF-8 contents, one compression level.
 */
export function bundleToZip(bundle: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const encoder = new TextEncoder();
  for (const file of bundle) {
    if (Object.hasOwn(files, file.path)) throw new Error(`bundle holds ${file.path} twice`);
    files[file.path] = [encoder.encode(file.contents), { mtime: FIXED_MTIME, level: 6 }];
  }
  return zipSync(files, { mtime: FIXED_MTIME, level: 6 });
}
