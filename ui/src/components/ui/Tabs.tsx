import type { KeyboardEvent, ReactNode } from "react";

export type TabItem<T extends string> = {
  id: T;
  label: ReactNode;
  icon?: ReactNode;
  testId?: string;
};

export type TabsProps<T extends string> = {
  items: readonly TabItem<T>[];
  value: T;
  onChange: (id: T) => void;
  label: string;
  idPrefix: string;
};

export const tabId = (prefix: string, id: string) => `${prefix}-tab-${id}`;
export const panelId = (prefix: string, id: string) => `${prefix}-panel-${id}`;

/** A tab list with roving focus: arrow keys, Home and End move between tabs. */
export function Tabs<T extends string>({ items, value, onChange, label, idPrefix }: TabsProps<T>) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = items.findIndex((item) => item.id === value);
    let next = -1;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (index + 1) % items.length;
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp")
      next = (index - 1 + items.length) % items.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = items.length - 1;
    const target = items[next];
    if (!target) return;
    event.preventDefault();
    onChange(target.id);
    document.getElementById(tabId(idPrefix, target.id))?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {items.map((item) => {
        const selected = item.id === value;
        return (
          <button
            key={item.id}
            type="button"
            role="tab"
            id={tabId(idPrefix, item.id)}
            aria-selected={selected}
            aria-controls={panelId(idPrefix, item.id)}
            tabIndex={selected ? 0 : -1}
            className="tab"
            data-testid={item.testId}
            onClick={() => onChange(item.id)}
          >
            {item.icon}
            {item.label}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel({
  idPrefix,
  id,
  children,
}: {
  idPrefix: string;
  id: string;
  children: ReactNode;
}) {
  return (
    <div
      className="tab-panel"
      role="tabpanel"
      id={panelId(idPrefix, id)}
      aria-labelledby={tabId(idPrefix, id)}
      tabIndex={0}
    >
      {children}
    </div>
  );
}

export type SegmentOption<T extends string> = {
  value: T;
  label: ReactNode;
  icon?: ReactNode;
  /** A second line, shown by the `cards` variant. */
  description?: ReactNode;
  /** Extra class on the option (e.g. a card that takes a whole row of the grid). */
  className?: string;
  testId?: string;
};

/**
 * Mutually exclusive choices, built on real radio inputs (arrow keys move between them): a
 * compact row (`segmented`), or a grid of cards with a second line (`cards`).
 */
export function SegmentedControl<T extends string>({
  name,
  label,
  options,
  value,
  onChange,
  variant = "segmented",
}: {
  name: string;
  label: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange: (value: T) => void;
  variant?: "segmented" | "cards";
}) {
  const cards = variant === "cards";
  return (
    <div className={cards ? "choice-cards" : "segmented"} role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <label
          key={option.value}
          className={[cards ? "choice-card" : "segment", option.className]
            .filter(Boolean)
            .join(" ")}
        >
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={option.value === value}
            onChange={() => onChange(option.value)}
            data-testid={option.testId}
          />
          {cards ? (
            <span className="choice-card-face">
              {option.icon && <span className="choice-card-icon">{option.icon}</span>}
              <span className="choice-card-text">
                <span className="choice-card-label">{option.label}</span>
                {option.description && (
                  <span className="choice-card-description">{option.description}</span>
                )}
              </span>
            </span>
          ) : (
            <span className="segment-face">
              {option.icon}
              {option.label}
            </span>
          )}
        </label>
      ))}
    </div>
  );
}
