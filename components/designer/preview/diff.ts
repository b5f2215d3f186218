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
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
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

function nextLineEnd(text: string, from: number): number {
  const at = text.indexOf("\n", from);
  return at < 0 ? text.length : at;
}

