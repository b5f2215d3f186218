"use client";
import { useStore } from "zustand";
import { applyStore, type ApplyState } from "./store";

/** React's view of the Apply panel's store. */
export function useApply<T>(selector: (state: ApplyState) => T): T {
  return useStore(applyStore(), selector);
}
