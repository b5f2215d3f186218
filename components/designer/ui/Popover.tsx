"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Icon, type IconName } from "./icons";

/**
 * A menu or panel on the browser's own popover layer: Escape and clicking outside close it, focus
 * moves in with Tab, and it needs no portal. It opens under its button, kept inside the window.
 */
export function Popover({
  label,
  icon,
  align = "start",
  width = "w-72",
  children,
  buttonClass = "",
  onOpen,
}: {
  label: string;
  icon?: IconName;
  align?: "start" | "end";
  width?: string;
  children: (close: () => void) => ReactNode;
  buttonClass?: string;
  onOpen?: () => void;
}) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const onOpenRef = useRef(onOpen);
  useEffect(() => {
    onOpenRef.current = onOpen;
  });

  useEffect(() => {
    const el = panel.current;
    if (!el) return;
    const onToggle = (event: Event) => {
      const open = (event as ToggleEvent).newState === "open";
      button.current?.setAttribute("aria-expanded", String(open));
      if (!open || !button.current) return;
      onOpenRef.current?.();
      const anchor = button.current.getBoundingClientRect();
      const left = align === "end" ? anchor.right - el.offsetWidth : anchor.left;
      el.style.top = `${anchor.bottom + 4}px`;
      el.style.left = `${Math.max(8, Math.min(window.innerWidth - el.offsetWidth - 8, left))}px`;
      el.querySelector<HTMLElement>("[data-autofocus], button, input, [tabindex]")?.focus();
    };
    el.addEventListener("toggle", onToggle);
    return () => el.removeEventListener("toggle", onToggle);
  }, [align]);

  const close = () => {
    document.getElementById(id)?.hidePopover();
    document.getElementById(`${id}-button`)?.focus();
  };

  return (
    <>
      <button
        ref={button}
        id={`${id}-button`}
        type="button"
        popoverTarget={id}
        aria-haspopup="true"
        aria-expanded="false"
        className={`inline-flex h-7 shrink-0 cursor-pointer items-center gap-1.5 rounded-md border border-transparent px-2 font-medium text-muted transition-colors hover:bg-hover hover:text-fg ${buttonClass}`}
      >
        {icon && <Icon name={icon} />}
        {label}
        <Icon name="chevron" className="size-3 opacity-60" />
      </button>
      <div
        ref={panel}
        id={id}
        popover="auto"
        role="dialog"
        aria-label={label}
        className={`fixed inset-auto rounded-lg border border-line bg-panel p-1 text-fg shadow-xl shadow-black/10 dark:shadow-black/50 ${width}`}
      >
        {children(close)}
      </div>
    </>
  );
}

export function MenuItem({ title, description, onSelect, icon }: { title: string; description?: string; onSelect: () => void; icon?: IconName }) {
  return (
    <button type="button" onClick={onSelect} className="flex w-full cursor-pointer items-start gap-2 rounded-md px-2.5 py-1.5 text-left hover:bg-hover focus-visible:bg-hover">
      {icon && <Icon name={icon} className="mt-0.5 size-4 shrink-0 text-muted" />}
      <span className="min-w-0">
        <span className="block font-medium">{title}</span>
        {description && <span className="block text-[12px] leading-snug text-muted">{description}</span>}
      </span>
    </button>
  );
}
