/** The schema that holds the policies' helper functions (not exposed by the Data API). */
export const HELPER_SCHEMA = "rls";
