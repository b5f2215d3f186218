#!/usr/bin/env node
import { runCli } from "./run";

const { exitCode } = await runCli(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });
process.exitCode = exitCode;
