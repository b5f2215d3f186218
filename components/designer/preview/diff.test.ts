import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffEdits, type TextEdit } from "./diff";

/** Applies edits given in the original text's offsets (as Monaco's applyEdits does). */
function apply(before: string, edits: readonly TextEdit[]): string {
  let out = before;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

const text = fc.array(fc.constantFrom("a", "bb", "ccc", "\n", "x\n", "documents", "\n\n", '"t"'), { maxLength: 40 }).map((parts) => parts.join(""));

describe("diffEdits", () => {
  it("turns any text into any other", () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(apply(before, diffEdits(before, after))).toBe(after);
      }),
      { numRuns: 3000 },
    );
  });

  it("replaces only the lines that differ when a rename touches far-apart lines", () => {
    const before = ["create table a", "x", "y", "z", "policy on a", "end"].join("\n");
    const after = ["create table b", "x", "y", "z", "policy on b", "end"].join("\n");
    const edits = diffEdits(before, after);
    expect(edits).toHaveLength(2);
    expect(edits.map((e) => e.text)).toEqual(["create table b", "policy on b"]);
    expect(apply(before, edits)).toBe(after);
  });

  it("turns a long text into another with a few changes anywhere (compared a block at a time)", () => {
    const long = Array.from({ length: 400 }, (_, i) => `CREATE POLICY "t_${i}" ON public."t_${i % 7}";`).join("\n");
    const change = fc.record({ at: fc.nat({ max: long.length }), cut: fc.nat({ max: 300 }), text: fc.constantFrom("", "x", "documents_001a", "\n", "\nnew line\n") });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 4 }), (changes) => {
        let after = long;
        for (const c of changes) after = after.slice(0, c.at) + c.text + after.slice(Math.min(after.length, c.at + c.cut));
        expect(apply(long, diffEdits(long, after))).toBe(after);
        expect(apply(after, diffEdits(after, long))).toBe(long);
      }),
      { numRuns: 300 },
    );
  });

  it("edits nothing when nothing changed, and handles a change at the very start", () => {
    expect(apply("same", diffEdits("same", "same"))).toBe("same");
    expect(apply("\n\nabc", diffEdits("\n\nabc", "x\n\nabc"))).toBe("x\n\nabc");
  });
});
