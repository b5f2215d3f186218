import { runCli } from "./run";

/** For tests: the command line run in `cwd`, with what it printed. */
export async function runCliIn(cwd: string, argv: string[], env?: Record<string, string | undefined>) {
  let stdout = "";
  let stderr = "";
  const { exitCode } = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd, ...(env ? { env } : {}) });
  return { exitCode, stdout, stderr, all: stdout + stderr };
}
