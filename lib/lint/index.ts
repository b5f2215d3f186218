export { lintDatabase, perRowCall, RULES } from "./checks";
export type { Finding, RuleId } from "./checks";
export { formatSarif, formatText } from "./format";
