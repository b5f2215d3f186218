import { RULES, type Finding } from "./checks";

/** One finding per paragraph: level, rule, object; why; fix. */
export function formatText(findings: readonly Finding[], where: string): string {
  if (findings.length === 0) return `${where}: no findings\n`;
  const lines = findings.map((f) => `${f.level}: ${f.rule}: ${f.object}\n  why: ${f.message}\n  fix: ${f.fix}`);
  const count = (level: Finding["level"]) => findings.filter((f) => f.level === level).length;
  return `${lines.join("\n")}\n${where}: ${count("error")} errors, ${count("warning")} warnings, ${count("note")} notes\n`;
}

/** SARIF 2.1.0: one run, a rule per check, each result located at the database object it names. */
export function formatSarif(findings: readonly Finding[], where: string, version: string): object {
  const ids = Object.keys(RULES) as (keyof typeof RULES)[];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "RLS Designer lint",
            version,
            rules: ids.map((id) => ({ id, name: id, shortDescription: { text: RULES[id] } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ids.indexOf(f.rule),
          level: f.level,
          message: { text: `${f.object}: ${f.message} Fix: ${f.fix}` },
          locations: [{ logicalLocations: [{ fullyQualifiedName: f.object, kind: "object" }] }],
          properties: { fix: f.fix },
        })),
        properties: { database: where },
      },
    ],
  };
}
