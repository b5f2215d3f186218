/** Naming helpers shared by the edits: fresh names, and whether a rename may follow references. */

/** `base`, or `base_2`, `base_3`, ... : the first that `taken` does not hold. */
/** Names and ids in use: a new name may match neither, since an item without an id is known by its name. */
export function stableKeys(items: readonly { name: string; id?: string }[]): string[] {
  return items.flatMap((item) => (item.id !== undefined ? [item.name, item.id] : [item.name]));
}

export function freshName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/**
 * A rename carries its references along only when both names are unambiguous: the old name
 * belongs to this item alone, and the new one to no other item. While the user types through a
 * name that collides with another item, references stay put (and the problem list says so).
 */
export function renameFollows(names: readonly string[], index: number, next: string): boolean {
  const old = names[index];
  if (old === next) return false;
  const holdersOfOld = names.filter((n) => n === old).length;
  const othersHoldingNext = names.some((n, i) => i !== index && n === next);
  return holdersOfOld === 1 && !othersHoldingNext;
}

/** Moves `list[from]` to position `to` (clamped); the same array when nothing moves. */
export function move<T>(list: readonly T[], from: number, to: number): readonly T[] {
  const target = Math.max(0, Math.min(list.length - 1, to));
  if (from === target || from < 0 || from >= list.length) return list;
  const next = list.slice();
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item);
  return next;
}

export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  const next = list.slice();
  next[index] = item;
  return next;
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}
