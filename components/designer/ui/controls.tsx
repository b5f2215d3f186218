"use client";
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from "react";
import type { Problem } from "@/lib/design";
import { endMerge } from "../state/store";
import { Icon, type IconName } from "./icons";

/** Small, dense form controls shared by every panel. Each takes an accessible name. */

const field =
  "h-7 w-full min-w-0 rounded-md border bg-panel px-2 text-[13px] text-fg placeholder:text-faint transition-colors " +
  "hover:border-line-strong focus:border-focus focus:outline-none focus-visible:outline-none focus:ring-2 focus:ring-focus/25 disabled:opacity-50";

export function fieldClass(invalid: boolean, extra = ""): string {
  return `${field} ${invalid ? "border-danger/70" : "border-line"} ${extra}`;
}

type TextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  /** Problems to mark the box invalid with; render them with <FieldProblems id={problemsId}>. */
  readonly problems?: readonly Problem[];
  readonly problemsId?: string;
  readonly mono?: boolean;
};

/** A text box bound to the design. Leaving it ends the undo step its typing made. */
export function TextInput({ label, value, onValue, problems = [], problemsId, mono, className = "", onBlur, ...rest }: TextInputProps) {
  const invalid = problems.length > 0;
  return (
    <input
      type="text"
      aria-label={label}
      value={value}
      spellCheck={false}
      autoComplete="off"
      aria-invalid={invalid || undefined}
      aria-describedby={invalid && problemsId ? problemsId : undefined}
      onChange={(e) => onValue(e.target.value)}
      onBlur={(e) => {
        endMerge();
        onBlur?.(e);
      }}
      className={fieldClass(invalid, `${mono ? "font-mono text-[12.5px]" : ""} ${className}`)}
      {...rest}
    />
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "onChange"> & {
  readonly label: string;
  readonly onValue: (value: string) => void;
  readonly invalid?: boolean;
  readonly children: ReactNode;
};

export function Select({ label, onValue, invalid = false, className = "", children, ...rest }: SelectProps) {
  return (
    <select aria-label={label} aria-invalid={invalid || undefined} onChange={(e) => onValue(e.target.value)} className={fieldClass(invalid, `select-chevron appearance-none pr-5 ${className}`)} {...rest}>
      {children}
    </select>
  );
}

export function Checkbox({
  label,
  checked,
  onValue,
  disabled,
  title,
  visibleLabel,
  className = "",
}: {
  label: string;
  checked: boolean;
  onValue: (checked: boolean) => void;
  disabled?: boolean;
  title?: string;
  visibleLabel?: ReactNode;
  className?: string;
}) {
  const box = (
    <input
      type="checkbox"
      aria-label={label}
      checked={checked}
      disabled={disabled}
      title={title ?? label}
      onChange={(e) => onValue(e.target.checked)}
      className="size-3.5 cursor-pointer disabled:cursor-not-allowed"
    />
  );
  if (!visibleLabel) return box;
  return (
    <label className={`inline-flex cursor-pointer items-center gap-1.5 select-none ${className}`} title={title}>
      {box}
      <span>{visibleLabel}</span>
    </label>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  readonly ref?: Ref<HTMLButtonElement>;
  readonly icon?: IconName;
  readonly tone?: "default" | "primary" | "ghost" | "danger" | "destructive";
  readonly size?: "sm" | "md";
};

const tones = {
  default: "border border-line bg-panel text-fg hover:bg-hover hover:border-line-strong",
  primary: "border border-accent bg-accent text-white hover:bg-accent-hover hover:border-accent-hover",
  ghost: "border border-transparent text-muted hover:bg-hover hover:text-fg",
  danger: "border border-transparent text-muted hover:bg-danger-soft hover:text-danger",
  destructive: "border border-danger bg-danger text-white hover:brightness-110 dark:text-bg",
} as const;

export function Button({ icon, tone = "default", size = "md", className = "", children, type = "button", ...rest }: ButtonProps) {
  const sizing = size === "sm" ? "h-6 px-1.5 text-[12px] gap-1" : "h-7 px-2.5 gap-1.5";
  return (
    <button
      type={type}
      className={`inline-flex shrink-0 cursor-pointer items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-45 aria-disabled:cursor-not-allowed aria-disabled:opacity-45 ${sizing} ${tones[tone]} ${className}`}
      {...rest}
    >
      {icon && <Icon name={icon} className={size === "sm" ? "size-3.5" : "size-4"} />}
      {children}
    </button>
  );
}

/** A square button showing only an icon; `label` is its accessible name and tooltip. */
export function IconButton({ icon, label, tone = "ghost", className = "", ...rest }: ButtonProps & { icon: IconName; label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={`inline-flex size-6 shrink-0 cursor-pointer items-center justify-center rounded-md transition-colors disabled:cursor-not-allowed disabled:opacity-35 ${tones[tone]} ${className}`}
      {...rest}
    >
      <Icon name={icon} className="size-3.5" />
    </button>
  );
}

/** The messages for one field, shown right under it: problems in red, warnings in amber. */
export function FieldProblems({ problems, warnings = [], id, className = "" }: { problems: readonly Problem[]; warnings?: readonly Problem[]; id?: string; className?: string }) {
  if (problems.length === 0 && warnings.length === 0) return null;
  return (
    <ul id={id} className={`mt-1 space-y-0.5 text-[12px] leading-snug ${className}`}>
      {problems.map((p, i) => (
        <li key={`p${i}`} className="flex gap-1 text-danger">
          <Icon name="alert" className="mt-px size-3.5 shrink-0" />
          <span>{p.message}</span>
        </li>
      ))}
      {warnings.map((p, i) => (
        <li key={`w${i}`} className="flex gap-1 text-warn">
          <Icon name="alert" className="mt-px size-3.5 shrink-0" />
          <span>
            <span className="sr-only">Warning: </span>
            {p.message}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function Section({ title, description, actions, children, id }: { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  const headingId = useId();
  return (
    // `relative`: a paint layer of its own, so that typing in one section repaints that section, not the whole form.
    <section aria-labelledby={headingId} id={id} className="relative border-t border-line px-5 py-4">
      <div className="mb-2.5 flex items-start justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-[12px] font-semibold tracking-wide text-fg uppercase">
            {title}
          </h2>
          {description && <p className="mt-0.5 text-[12px] text-muted">{description}</p>}
        </div>
        {actions && <div className="flex items-center gap-1">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A labelled row for forms: a fixed-width caption, then the control and its problems. */
export function FieldRow({ label, htmlFor, hint, children }: { label: string; htmlFor?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[150px_minmax(0,1fr)] items-start gap-3 py-1">
      <label htmlFor={htmlFor} className="pt-1.5 text-[12.5px] text-muted">
        {label}
      </label>
      <div>
        {children}
        {hint && <p className="mt-1 text-[12px] text-faint">{hint}</p>}
      </div>
    </div>
  );
}
