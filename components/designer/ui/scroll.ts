/**
 * Scrolls `element` into view inside its nearest scrolling container only. (scrollIntoView
 * would also scroll every ancestor that can scroll, even an `overflow: hidden` dialog, and push
 * its header out of sight.)
 */
export function revealIn(element: Element | null | undefined, block: "start" | "nearest" = "nearest"): void {
  if (!element) return;
  let scroller = element.parentElement;
  while (scroller && !/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)) scroller = scroller.parentElement;
  if (!scroller) return;
  const box = scroller.getBoundingClientRect();
  const rect = element.getBoundingClientRect();
  const margin = 8;
  let top: number | null = null;
  if (block === "start") top = scroller.scrollTop + rect.top - box.top - margin;
  else if (rect.bottom > box.bottom) top = scroller.scrollTop + rect.bottom - box.bottom + margin;
  else if (rect.top < box.top) top = scroller.scrollTop + rect.top - box.top - margin;
  if (top === null) return;
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  scroller.scrollTo({ top, behavior: smooth ? "smooth" : "auto" });
}
