"use client";
import { useMemo } from "react";
import { useStore } from "zustand";
import type { Problem } from "@/lib/design";
import { compiled, problemsAt, problemsOf, warningsOf } from "./compiled";
import { designerStore, type DesignerState } from "./store";

/** React's view of the designer store. */
export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  return useStore(designerStore, selector);
}

export function useCompiled() {
  return useDesigner((s) => compiled(s.design));
}

export function useAllProblems(): readonly Problem[] {
  return useDesigner((s) => problemsOf(compiled(s.design)));
}

export function useAllWarnings(): readonly Problem[] {
  return useDesigner((s) => warningsOf(compiled(s.design)));
}

export function useWarnings(path: string, deep = false): readonly Problem[] {
  const warnings = useAllWarnings();
  return useMemo(() => problemsAt(warnings, path, deep), [warnings, path, deep]);
}

/** The problems to show beside the field at `path` (with `deep`, also those inside it). */
export function useProblems(path: string, deep = false): readonly Problem[] {
  const problems = useAllProblems();
  return useMemo(() => problemsAt(problems, path, deep), [problems, path, deep]);
}

/** A stable empty list for selectors: a fresh [] per call would make React re-render forever. */
export const NO_ROLES: readonly string[] = [];
