import type { Target } from "../design";
import type { TargetDialect } from "./types";
import { neon } from "./neon";

export type { TargetDialect } from "./types";
export { HELPER_SCHEMA } from "./helper-schema";

const DIALECTS: Partial<Record<Target, TargetDialect>> = { neon };

export function dialectFor(target: Target): TargetDialect {
  const dialect = DIALECTS[target];
  if (!dialect) throw new Error(`target "${target}" is not available yet`);
  return dialect;
}
