// Runs the Next.js command line (`node scripts/next.mjs dev|build|start ...`) with its telemetry
// off: otherwise `next dev`, `next build` and `next start` send usage data to Vercel, and nothing
// this app does at run time may leave the machine. An environment variable, set here rather than
// as `NEXT_TELEMETRY_DISABLED=1 next dev` in package.json because that syntax fails in Windows'
// cmd.exe; `next telemetry disable` would instead write to the user's own Next.js settings.
process.env.NEXT_TELEMETRY_DISABLED = "1";
await import("next/dist/bin/next");
