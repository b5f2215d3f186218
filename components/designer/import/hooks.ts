"use client";
import { useStore } from "zustand";
import { adoptStore, type AdoptState } from "./store";

export function useAdopt<T>(selector: (state: AdoptState) => T): T {
  return useStore(adoptStore, selector);
}
