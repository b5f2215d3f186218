/**
 * The only place a secret may touch storage: localStorage on this device, and only while the
 * user keeps "remember on this device" ticked. Unticking forgets it at once. Never in the design,
 * the autosave, the share link or a URL.
 */

export type SecretName = "apiKey" | "url";

const KEYS: Record<SecretName, string> = {
  apiKey: "rls-designer:neon-api-key",
  url: "rls-designer:connection-string",
};

export function rememberedSecret(name: SecretName): string | null {
  try {
    const value = typeof localStorage === "undefined" ? null : localStorage.getItem(KEYS[name]);
    return value ? value : null;
  } catch {
    return null;
  }
}

/** Keeps `value` on this device, or forgets it when `remember` is false (or the value is empty). */
export function rememberSecret(name: SecretName, remember: boolean, value: string): void {
  try {
    if (remember && value !== "") localStorage.setItem(KEYS[name], value);
    else localStorage.removeItem(KEYS[name]);
  } catch {
    // Storage disabled: the secret stays in memory for this page, as when not remembered.
  }
}
