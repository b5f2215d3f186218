/**
 * The connected Neon branch of each design (project, branch, database, role), kept on this device
 * so that reopening the design reconnects it. Not a secret, and never the API key: that stays in
 * secrets.ts, behind "remember on this device". Kept beside the design, never in it: the design
 * file, the autosave and the share link stay free of where it was applied.
 */

export interface NeonConnection {
  readonly projectId: string;
  readonly branchId: string;
  readonly databaseName: string;
  readonly roleName: string;
}

const PREFIX = "rls-designer:neon-connection:";

function keyFor(designName: string): string {
  return `${PREFIX}${designName || "untitled"}`;
}

export function rememberedConnection(designName: string): NeonConnection | null {
  try {
    const text = typeof localStorage === "undefined" ? null : localStorage.getItem(keyFor(designName));
    if (!text) return null;
    const value = JSON.parse(text) as Partial<NeonConnection>;
    const ok = ["projectId", "branchId", "databaseName", "roleName"].every((k) => typeof value[k as keyof NeonConnection] === "string");
    return ok && value.projectId && value.branchId ? (value as NeonConnection) : null;
  } catch {
    return null;
  }
}

/** Remembers the connection for this design, or forgets it (null). */
export function rememberConnection(designName: string, connection: NeonConnection | null): void {
  try {
    if (connection) localStorage.setItem(keyFor(designName), JSON.stringify(connection));
    else localStorage.removeItem(keyFor(designName));
  } catch {
    // Storage disabled: the connection lasts as long as the page.
  }
}
