import type { Model } from "../design";
import type { TargetDialect } from "./types";
import { neonDialect } from "./neon";
import { postgresDialect } from "./postgres";
import { supabaseDialect } from "./supabase";

export type { TargetDialect, DrizzleRoles, DevFile } from "./types";
export { HELPER_SCHEMA } from "./helper-schema";
export { PINNED_SEARCH_PATH } from "./claims-functions";
export { authorizedQueryExample } from "./examples";

const DIALECTS: Record<Model["target"], (model: Model) => TargetDialect> = {
  neon: neonDialect,
  supabase: supabaseDialect,
  postgres: postgresDialect,
};

export function dialectFor(model: Model): TargetDialect {
  return DIALECTS[model.target](model);
}
