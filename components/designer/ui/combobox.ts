/**
 * The options a combobox shows for what was typed, best first: an exact match (so "text" picks
 * `text`, never `text[]`), then the options that start with it, then those that contain it,
 * each group in the options' own order. An empty query shows every option.
 */
export function rankOptions(options: readonly string[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...options];
  const exact: string[] = [];
  const prefix: string[] = [];
  const inside: string[] = [];
  for (const option of options) {
    const o = option.toLowerCase();
    if (o === q) exact.push(option);
    else if (o.startsWith(q)) prefix.push(option);
    else if (o.includes(q)) inside.push(option);
  }
  return [...exact, ...prefix, ...inside];
}

/** The option a typed text names exactly (ignoring case and surrounding spaces), if any. */
export function exactOption(options: readonly string[], query: string): string | undefined {
  const q = query.trim().toLowerCase();
  return options.find((o) => o.toLowerCase() === q);
}
