"use client";
/**
 * Monaco, from the installed package (never a CDN): the slim editor entry, the few features a
 * read-only viewer needs, the languages of the bundle's files, and a local worker.
 * Imported only by MonacoPreview, which the page loads lazily; nothing here runs on the server.
 */
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/find/register";
import "monaco-editor/features/folding/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/readOnlyMessage/register";
import "monaco-editor/features/diffEditor/register";
import "monaco-editor/features/smartSelect/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/codicon/register";
import "monaco-editor/languages/definitions/pgsql/register";
import "monaco-editor/languages/definitions/typescript/register";
import "monaco-editor/languages/definitions/javascript/register";
import "monaco-editor/languages/definitions/markdown/register";
import "monaco-editor/languages/definitions/ini/register";
import { loader } from "@monaco-editor/react";

self.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module", name: "monaco-editor" }),
};

loader.config({ monaco });

/**
 * Monaco's own themes draw SQL strings in pure red and operators in light slate (4.0:1 and 3.6:1
 * on white) and the line numbers in a pale grey: below WCAG AA's 4.5:1. These rules and colours
 * keep every token and line number at 4.5:1 or more, on the highlighted line too (the designer's
 * --faint for line numbers, as in app/globals.css).
 */
const common = (base: "vs" | "vs-dark", rules: monaco.editor.ITokenThemeRule[], colors: Record<string, string>): monaco.editor.IStandaloneThemeData => ({
  base,
  inherit: true,
  rules,
  colors,
});

monaco.editor.defineTheme(
  "rls-light",
  common("vs", [
    { token: "string.sql", foreground: "b3261e" },
    { token: "operator.sql", foreground: "5f6b7a" },
    { token: "number", foreground: "077a50" },
  ], {
    "editor.background": "#ffffff",
    "editorGutter.background": "#ffffff",
    "editorLineNumber.foreground": "#6d6d78",
    "editorLineNumber.activeForeground": "#18181b",
    "editor.lineHighlightBackground": "#f6f6f8",
    "editor.lineHighlightBorder": "#00000000",
  }),
);
monaco.editor.defineTheme(
  "rls-dark",
  common("vs-dark", [
    { token: "string.sql", foreground: "f48771" },
    { token: "comment", foreground: "6a9955" },
  ], {
    "editor.background": "#131316",
    "editorGutter.background": "#131316",
    "editorLineNumber.foreground": "#8a8a94",
    "editorLineNumber.activeForeground": "#e7e7ea",
    "editor.lineHighlightBackground": "#1a1a1e",
    "editor.lineHighlightBorder": "#00000000",
  }),
);

export { monaco };

export function languageOf(path: string): string {
  if (path.endsWith(".sql")) return "pgsql";
  if (path.endsWith(".ts")) return "typescript";
  if (path.endsWith(".json")) return "javascript";
  if (path.endsWith(".md")) return "markdown";
  if (/(^|\/)\.env/.test(path)) return "ini";
  return "plaintext";
}

export const bundleUri = (path: string) => monaco.Uri.parse(`file:///bundle/${path}`);
export const baselineUri = (path: string) => monaco.Uri.parse(`file:///baseline/${path}`);
