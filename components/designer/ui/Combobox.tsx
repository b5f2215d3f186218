"use client";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import { fieldClass } from "./controls";
import { exactOption, rankOptions } from "./combobox";

/**
 * A searchable picker (the ARIA 1.2 combobox pattern with a list popup): type to filter, ↑/↓ to
 * move, Enter to pick, Escape to close without a change. The exact match of what was typed is
 * offered first, so typing "text" then Enter picks `text`, not `text[]`. Leaving the box picks
 * what was typed only when it names an option exactly; anything else is dropped, never guessed.
 */
export function Combobox({
  label,
  value,
  options,
  onValue,
  invalid = false,
  className = "",
  ...rest
}: {
  label: string;
  value: string;
  options: readonly string[];
  onValue: (value: string) => void;
  invalid?: boolean;
  className?: string;
  "data-path"?: string;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [open, setOpen] = useState(false);
  /** What was typed since the list opened; null while nothing was typed (the list shows every option). */
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const choices = open ? rankOptions(options, query ?? "") : [];

  const show = (at: number) => {
    setOpen(true);
    setActive(at);
    requestAnimationFrame(() => list.current?.querySelector(`[data-index="${at}"]`)?.scrollIntoView({ block: "nearest" }));
  };
  const close = () => {
    setOpen(false);
    setQuery(null);
  };
  const pick = (option: string | undefined) => {
    close();
    if (option !== undefined && option !== value) onValue(option);
  };
  const move = (at: number) => {
    const all = open ? choices : rankOptions(options, "");
    if (all.length === 0) return;
    const next = (at + all.length) % all.length;
    show(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        // Closed, either arrow opens the list at the current value.
        if (!open) return show(Math.max(0, options.indexOf(value)));
        move(active + (e.key === "ArrowDown" ? 1 : -1));
        return;
      }
      case "Home":
      case "End":
        if (!open) return;
        e.preventDefault();
        move(e.key === "Home" ? 0 : choices.length - 1);
        return;
      case "Enter":
        if (!open) return;
        e.preventDefault();
        pick(choices[active]);
        return;
      case "Escape":
        if (!open) return;
        // Closing the list must not also close the dialog or drawer around it.
        e.preventDefault();
        e.stopPropagation();
        close();
        return;
    }
  };

  const activeId = open && choices[active] !== undefined ? `${id}-option-${active}` : undefined;
  return (
    <div className="relative min-w-0">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-label={label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        aria-invalid={invalid || undefined}
        spellCheck={false}
        autoComplete="off"
        value={open && query !== null ? query : value}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onClick={() => (open ? close() : show(Math.max(0, options.indexOf(value))))}
        onFocus={(e) => e.currentTarget.select()}
        onBlur={() => {
          if (query !== null) pick(exactOption(options, query));
          else close();
        }}
        className={fieldClass(invalid, `select-chevron pr-5 ${className}`)}
        {...rest}
      />
      <ul
        ref={list}
        id={listId}
        role="listbox"
        aria-label={label}
        hidden={!open}
        className="absolute top-full left-0 z-30 mt-1 max-h-64 w-44 overflow-auto rounded-md border border-line bg-panel p-1 font-mono text-[12.5px] shadow-lg shadow-black/10 dark:shadow-black/50"
      >
        {choices.length === 0 && open && <li className="px-2 py-1 text-faint">no match</li>}
        {choices.map((option, index) => (
          <li
            key={option}
            id={`${id}-option-${index}`}
            data-index={index}
            role="option"
            aria-selected={index === active}
            // Keeps the focus in the box, so the pick is the only thing the click does.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(option)}
            className={`cursor-pointer rounded px-2 py-0.5 ${index === active ? "bg-accent text-white" : "hover:bg-hover"} ${option === value ? "font-semibold" : ""}`}
          >
            {option}
          </li>
        ))}
      </ul>
    </div>
  );
}
