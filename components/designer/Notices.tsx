"use client";
import { useEffect } from "react";
import { designerStore } from "./state/store";
import { useDesigner } from "./state/hooks";
import { Icon } from "./ui/icons";

/** One short message at a time (imported, copied, deleted, failed), announced politely. */
export function Notices() {
  const notice = useDesigner((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => {
      if (designerStore.getState().notice?.id === notice.id) designerStore.setState({ notice: null });
    }, notice.tone === "error" ? 8000 : 3500);
    return () => clearTimeout(timer);
  }, [notice]);
  return (
    <div aria-live="polite" role="status" className="pointer-events-none fixed bottom-4 left-1/2 z-50 -translate-x-1/2">
      {notice && (
        <div
          key={notice.id}
          className={`pointer-events-auto flex max-w-xl items-center gap-2 rounded-lg border px-3 py-2 text-[12.5px] shadow-lg shadow-black/10 ${notice.tone === "error" ? "border-danger/40 bg-danger-soft text-danger" : "border-line bg-panel text-fg"}`}
        >
          <Icon name={notice.tone === "error" ? "alert" : "check"} className="size-4 shrink-0" />
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss" className="ml-1 cursor-pointer rounded p-0.5 text-muted hover:text-fg" onClick={() => designerStore.setState({ notice: null })}>
            <Icon name="x" className="size-3.5" />
          </button>
        </div>
      )}
    </div>
  );
}
