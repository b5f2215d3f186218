/**
 * `npm run check:samples`: compiles every provider x target x template with the project's compiler,
 * writes each `examples/authorized-query.tsx` under samples-check/.work/, and typechecks them all
 * in one `tsc --noEmit` against the real SDKs installed in samples-check/node_modules
 * (`npm ci --prefix samples-check`), not the app's dependencies. Prints one line per failing sample.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compileDesign } from "../lib/compiler";
import { PROVIDERS, TEMPLATE_NAMES, template, type Design } from "../lib/design";

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, ".work");
const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
const SAMPLE = "examples/authorized-query.tsx";

const TARGETS: { name: string; apply: (design: Design) => Design }[] = [
  { name: "neon-data-api", apply: (d) => ({ ...d, target: "neon", neon: { tokenVia: "data-api" } }) },
  { name: "neon-serverless-driver", apply: (d) => ({ ...d, target: "neon", neon: { tokenVia: "serverless-driver" } }) },
  { name: "supabase", apply: (d) => ({ ...d, target: "supabase" }) },
  { name: "postgres", apply: (d) => ({ ...d, target: "postgres" }) },
];

async function main(): Promise<number> {
  if (!existsSync(tsc)) {
    console.error("samples-check: the SDKs are not installed; run `npm ci --prefix samples-check` first");
    return 2;
  }
  await rm(work, { recursive: true, force: true });
  const samples: string[] = [];
  for (const templateName of TEMPLATE_NAMES) {
    for (const provider of PROVIDERS) {
      for (const target of TARGETS) {
        const name = `${templateName}-${provider}-${target.name}`;
        const design = target.apply({ ...template(templateName), auth: { ...template(templateName).auth, provider } });
        const result = compileDesign(design);
        if (!result.ok) {
          console.error(`FAIL ${name}: does not compile: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
          return 1;
        }
        const file = result.bundle.find((f) => f.path === SAMPLE);
        if (!file) {
          console.error(`FAIL ${name}: the bundle has no ${SAMPLE}`);
          return 1;
        }
        await mkdir(join(work, name), { recursive: true });
        await writeFile(join(work, name, "authorized-query.tsx"), file.contents);
        samples.push(name);
      }
    }
  }

  const started = Date.now();
  const output = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", join(here, "tsconfig.json"), "--pretty", "false"], { cwd: here, maxBuffer: 64 << 20 })
    .then(() => "")
    .catch((error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}` || String(error));

  // tsc prints `.work/<sample>/authorized-query.tsx(12,3): error TS2304: ...`; keep the first error of each sample.
  const firstError = new Map<string, string>();
  const otherErrors: string[] = [];
  for (const line of output.split("\n")) {
    if (!line.includes("error TS")) continue;
    const match = /^\.work\/([^/]+)\/(.*)$/.exec(line);
    if (match) {
      if (!firstError.has(match[1])) firstError.set(match[1], match[2]);
    } else otherErrors.push(line);
  }
  for (const [name, error] of firstError) console.log(`FAIL ${name}: ${error}`);
  for (const line of otherErrors) console.log(`FAIL (outside the samples) ${line}`);
  if (output && firstError.size === 0 && otherErrors.length === 0) console.log(output);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`samples-check: ${samples.length - firstError.size} of ${samples.length} samples typecheck against the real SDKs (tsc ${seconds} s)`);
  return output ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
