"use client";
import { useId } from "react";

export interface Choice<K extends string> {
  readonly kind: K;
  readonly label: string;
  readonly hint: string;
}

/** A row of radio cards, each a label with its hint (the Apply panel's destinations, Import's sources). */
export function ChoiceCards<K extends string>({ name, choices, value, onChange }: { name: string; choices: readonly Choice<K>[]; value: K; onChange: (kind: K) => void }) {
  const hintId = useId();
  return (
    <div className="grid grid-cols-3 gap-1.5">
      {choices.map((k) => (
        <label
          key={k.kind}
          className={`flex cursor-pointer flex-col rounded-md border px-3 py-2 transition-colors has-focus-visible:outline-2 has-focus-visible:outline-focus has-disabled:cursor-not-allowed has-disabled:opacity-60 ${value === k.kind ? "border-accent bg-accent-soft" : "border-line hover:border-line-strong"}`}
        >
          <span className="flex items-center gap-2 font-medium">
            <input
              type="radio"
              name={name}
              value={k.kind}
              aria-label={k.label}
              aria-describedby={`${hintId}-${k.kind}`}
              checked={value === k.kind}
              data-autofocus={value === k.kind || undefined}
              onChange={() => onChange(k.kind)}
              className="size-3.5"
            />
            {k.label}
          </span>
          <span id={`${hintId}-${k.kind}`} className="mt-0.5 text-[11.5px] leading-snug text-muted">
            {k.hint}
          </span>
        </label>
      ))}
    </div>
  );
}
