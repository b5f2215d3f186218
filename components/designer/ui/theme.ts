"use client";
import { useSyncExternalStore } from "react";

/** The colour scheme: "system" follows the OS; the choice is saved, and applied before paint by app/layout.tsx. */

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "rls-designer:theme";

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  const media = matchMedia("(prefers-color-scheme: dark)");
  const onMedia = () => {
    if (readChoice() === "system") apply("system");
  };
  media.addEventListener("change", onMedia);
  window.addEventListener("storage", onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener("change", onMedia);
    window.removeEventListener("storage", onChange);
  };
}

export function readChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

function apply(choice: ThemeChoice) {
  const dark = choice === "dark" || (choice === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

export function setChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not saved; still applied for this page.
  }
  apply(choice);
}

export function useDark(): boolean {
  return useSyncExternalStore(subscribe, () => document.documentElement.classList.contains("dark"), () => false);
}

export function useThemeChoice(): ThemeChoice {
  // The class changes with every choice, so the same subscription keeps this fresh.
  return useSyncExternalStore(subscribe, readChoice, () => "system");
}
