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

export interface ZipOptions {
  /** A top folder every entry goes in, so unzipping gives one folder named after the design. */
  readonly folder?: string;
  /** The design file, added as `design.json`: "change the design and compile again" works from the zip alone. */
  readonly design?: unknown;
}

/** A folder name from a design's name: lowercase letters, digits, `.`, `_` and `-` ("design" when none is left). */
export function zipFolderName(name: string): string {
  const stem = name.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "");
  return stem || "design";
}

/**
 * A zip archive holding exactly the bundle's files, at exactly the bundle's paths (under `folder`
 * when given), in bundle order, then `design.json` when given.
 * Deterministic: no timestamps, no directory entries, UTF-8 contents, one compression level.
 */
export function bundleToZip(bundle: readonly ZipEntry[], options: ZipOptions = {}): Uint8Array {
  const files: Zippable = {};
  const encoder = new TextEncoder();
  const prefix = options.folder ? `${zipFolderName(options.folder)}/` : "";
  const entries = options.design === undefined ? bundle : [...bundle, { path: "design.json", contents: JSON.stringify(options.design, null, 2) + "\n" }];
  for (const file of entries) {
    const path = prefix + file.path;
    if (Object.hasOwn(files, path)) throw new Error(`bundle holds ${file.path} twice`);
    files[path] = [encoder.encode(file.contents), { mtime: FIXED_MTIME, level: 6 }];
  }
  return zipSync(files, { mtime: FIXED_MTIME, level: 6 });
}
