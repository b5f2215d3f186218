"use client";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal dialog on the browser's own top layer (`<dialog>` with showModal): focus moves in and
 * stays in (to the element marked data-autofocus, if any), the page behind is inert, Escape
 * closes it and focus returns to where it was. Its children are rendered only while it is open.
 */
export function Dialog({ open, onClose, labelledBy, className = "", children }: { open: boolean; onClose: () => void; labelledBy: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      onClose={onClose}
      className={`mx-auto mt-2 mb-auto sm:mt-10 overflow-hidden rounded-xl border border-line bg-panel p-0 text-fg shadow-2xl shadow-black/20 backdrop:bg-black/40 dark:shadow-black/60 dark:backdrop:bg-black/60 ${className}`}
    >
      {open && children}
    </dialog>
  );
}
