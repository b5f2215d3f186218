/**
 * Lets a horizontal strip (the preview's file tabs) scroll with an ordinary vertical mouse wheel.
 * Only when the strip can scroll sideways and the wheel moves mostly vertically; a trackpad's
 * sideways swipe and a strip with nothing to scroll keep their usual behaviour (the page scrolls).
 * Returns the cleanup. The listener is not passive, since it must stop the vertical scroll.
 */
export function wheelScrollsSideways(strip: HTMLElement): () => void {
  const onWheel = (event: WheelEvent) => {
    if (event.ctrlKey || Math.abs(event.deltaY) <= Math.abs(event.deltaX)) return;
    const room = strip.scrollWidth - strip.clientWidth;
    if (room <= 0) return;
    const step = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * 16 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? event.deltaY * strip.clientWidth : event.deltaY;
    const next = Math.max(0, Math.min(room, strip.scrollLeft + step));
    if (next === strip.scrollLeft) return;
    event.preventDefault();
    strip.scrollLeft = next;
  };
  strip.addEventListener("wheel", onWheel, { passive: false });
  return () => strip.removeEventListener("wheel", onWheel);
}
