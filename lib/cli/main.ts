#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
import { runCli } from "./run";

/** In a terminal, questions get an answer; piped or in CI, the command line is the confirmation. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const { exitCode } = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  ...(process.stdin.isTTY && process.stdout.isTTY ? { confirm } : {}),
});
process.exitCode = exitCode;
