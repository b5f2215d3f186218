import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "node_modules/**",
    ".data/**",
    "tmp/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    "samples-check/.work/**",
  ]),
  {
    // lib/ is plain TypeScript shared by the app, the command line and the tests:
    // it never reaches into the UI layers or a UI framework.
    files: ["lib/**/*.{ts,tsx,js,mjs}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app", "@/app/*", "@/components", "@/components/*"], message: "lib/ must not import from app/ or components/." },
            { regex: "^(\\.\\./)+(app|components)(/|$)", message: "lib/ must not import from app/ or components/." },
            { group: ["react", "react/*", "react-dom", "react-dom/*", "next", "next/*", "@monaco-editor/*", "zustand", "zustand/*"], message: "lib/ must not depend on React, Next.js or UI libraries." },
          ],
        },
      ],
    },
  },
]);
