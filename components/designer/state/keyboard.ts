import { commands, isEnabled, runByName, type CommandName } from "./commands";

/** Turns key presses into commands, using the shortcuts the commands declare. */

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function matchesShortcut(event: KeyboardEvent, shortcut: string): boolean {
  const parts = shortcut.split("+");
  const key = parts.pop()!.toLowerCase();
  const wants = new Set(parts.map((p) => p.toLowerCase()));
  const mod = isMac() ? event.metaKey : event.ctrlKey;
  if (wants.has("mod") !== mod) return false;
  if (wants.has("shift") !== event.shiftKey) return false;
  if (wants.has("alt") !== event.altKey) return false;
  const pressed = event.key.toLowerCase();
  return pressed === key || event.code.toLowerCase() === `key${key}`;
}

/** Human-readable shortcut for labels and tooltips: "Ctrl+Shift+Z" or "⌘⇧Z". */
export function describeShortcut(shortcut: string): string {
  if (!isMac()) return shortcut.replace("Mod", "Ctrl");
  return shortcut.replace("Mod+", "⌘").replace("Shift+", "⇧").replace("Alt+", "⌥");
}

export function shortcutOf(name: CommandName): string | undefined {
  const spec = commands[name] as { shortcuts?: readonly string[] };
  return spec.shortcuts?.[0] ? describeShortcut(spec.shortcuts[0]) : undefined;
}

export function handleKeydown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  // In a dialog (the Apply panel) keys belong to its own fields: Ctrl+Z undoes typing there, not the design.
  if (event.target instanceof Element && event.target.closest("dialog")) return;
  for (const name of Object.keys(commands) as CommandName[]) {
    const spec = commands[name] as { shortcuts?: readonly string[] };
    if (!spec.shortcuts?.some((s) => matchesShortcut(event, s))) continue;
    event.preventDefault();
    if (isEnabled(name)) runByName(name);
    return;
  }
}
