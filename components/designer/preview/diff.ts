/** Text differences for the preview's models: plain string logic, no Monaco (unit-tested in diff.test.ts). */

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Edits that turn `before` into `after`: the common start and end are kept; when the middle has
 * as many lines on both sides (a rename, a changed value), only the lines that differ are
 * replaced, so an edit touching a few far-apart lines does not rewrite everything between them.
 */
export function diffEdits(before: string, after: string): TextEdit[] {
  const start = commonPrefix(before, after);
  const same = commonSuffix(before, after, start);
  const endBefore = before.length - same;
  const endAfter = after.length - same;
  // Widen to whole lines, then compare line by line when the counts match.
  const lineStart = start === 0 ? 0 : before.lastIndexOf("\n", start - 1) + 1;
  const lineEndBefore = nextLineEnd(before, endBefore);
  const lineEndAfter = nextLineEnd(after, endAfter);
  const oldLines = before.slice(lineStart, lineEndBefore).split("\n");
  const newLines = after.slice(lineStart, lineEndAfter).split("\n");
  if (oldLines.length !== newLines.length || oldLines.length < 2) return [{ start, end: endBefore, text: after.slice(start, endAfter) }];
  const edits: TextEdit[] = [];
  let offset = lineStart;
  for (let i = 0; i < oldLines.length; i++) {
    if (oldLines[i] !== newLines[i]) {
      const last = edits.at(-1);
      if (last && last.end === offset - 1) {
        last.end = offset + oldLines[i].length;
        last.text += `\n${newLines[i]}`;
      } else edits.push({ start: offset, end: offset + oldLines[i].length, text: newLines[i] });
    }
    offset += oldLines[i].length + 1;
  }
  return edits;
}

/**
 * Compared a block at a time first: comparing two slices is native code, many times faster than a
 * loop over the characters (a 100-table design's policies file is 400 KB, compared on every keystroke).
 */
const BLOCK = 256;

/** How many characters `a` and `b` have in common at the start. */
function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n + BLOCK <= max && a.slice(n, n + BLOCK) === b.slice(n, n + BLOCK)) n += BLOCK;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

/** How many characters `a` and `b` have in common at the end, not counting the first `skip` of either. */
function commonSuffix(a: string, b: string, skip: number): number {
  const max = Math.min(a.length, b.length) - skip;
  let n = 0;
  while (n + BLOCK <= max && a.slice(a.length - n - BLOCK, a.length - n) === b.slice(b.length - n - BLOCK, b.length - n)) n += BLOCK;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

function nextLineEnd(text: string, from: number): number {
  const at = text.indexOf("\n", from);
  return at < 0 ? text.length : at;
}

