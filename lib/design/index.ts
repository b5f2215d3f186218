export {
  designSchema,
  TARGETS,
  PROVIDERS,
  OPERATIONS,
  CONDITION_OPS,
  COLUMN_TYPES,
  BASE_COLUMN_TYPES,
  ON_DELETE_ACTIONS,
} from "./schema";
export type {
  Design,
  Table,
  Column,
  Firewall,
  Access,
  AccessRule,
  AccessRules,
  SharedVia,
  Condition,
  ConditionOp,
  ColumnType,
  Operation,
  Target,
  Provider,
  Tenancy,
} from "./schema";
export type { Model, ClaimPath, ModelTable, ModelColumn, ModelReference, ModelCondition, ModelFirewall, ModelAccessRule, ModelAccessRules, ModelSharedVia, ModelTenancy, ConditionValue } from "./model";
export { columnOf } from "./model";
export { validateDesign, createValidationCache, parseDesignShape, formatProblem, implicitPrimaryKeyName, SUPPORTED_TARGETS, DEFAULT_ORG_CLAIM, DEFAULT_ROLE_CLAIM } from "./validate";
export type { Problem, ValidationResult, ValidationCache } from "./validate";
export type { DefaultExpr } from "./defaults";
export { ALLOWED_DEFAULTS_HINT } from "./defaults";
export { USER_TOKEN, ORG_TOKEN, isToken, quoteIdent, sqlLiteral, numberText, fitsReal, typeFamily, holdsIdentifier, literalProblem, withArticle, utf8Length, MAX_IDENTIFIER_BYTES } from "./literals";
export type { TypeFamily } from "./literals";
export { TEMPLATES, TEMPLATE_NAMES, TEMPLATE_DESCRIPTIONS, template } from "./templates";
export type { TemplateName } from "./templates";
export { PROVIDER_PRESETS } from "./providers";
export type { ProviderPreset } from "./providers";
export { dollarQuote } from "./dollar-quote";
