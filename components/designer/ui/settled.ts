"use client";
import { useEffect, useState } from "react";

/**
 * `value` once it has stayed the same for `ms` (at first, `value` itself): for text that follows
 * what is being typed but need not follow every keystroke. React's useDeferredValue renders one task
 * after the keystroke, inside the keystroke's own time: before the browser runs the next timer it
 * renders, lays out and paints again (a second frame, 3-7 ms on a 100-table design).
 */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(settled, value)) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}
