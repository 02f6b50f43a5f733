import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { X } from "lucide-react";
import { IconButton } from "./Button";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
/** The same, inside the dialog's body (each alternative scoped, not only the first). */
const IN_BODY = FOCUSABLE.split(", ")
  .map((selector) => `.dialog-body ${selector}`)
  .join(", ");

export type DialogProps = {
  open: boolean;
  title: string;
  description?: ReactNode;
  /** Called on Escape, the close button and a click on the backdrop, unless `dismissable` is false. */
  onClose: () => void;
  /** False for dialogs that need an explicit answer (e.g. confirming a recovery key was saved). */
  dismissable?: boolean;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  size?: "sm" | "md" | "lg";
};

/** A modal dialog: traps focus, restores it on close, Escape closes. */
export function Dialog({ open, ...props }: DialogProps) {
  // Mounting the panel only while open lets it remember, at that moment, what had focus.
  return open ? <DialogPanel {...props} /> : null;
}

function DialogPanel({
  title,
  description,
  onClose,
  dismissable = true,
  children,
  footer,
  testId,
  size = "sm",
}: Omit<DialogProps, "open">) {
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  // Read during the first render, before any autoFocus inside the dialog moves focus.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );

  useEffect(() => {
    const panel = panelRef.current;
    // Children may have autofocused an input already; otherwise focus the first control.
    if (panel && !panel.contains(document.activeElement)) {
      const first = panel.querySelector<HTMLElement>(IN_BODY);
      (first ?? panel).focus();
    }
    return () => opener?.focus();
  }, [opener]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      if (dismissable) onClose();
      return;
    }
    if (event.key !== "Tab" || !panelRef.current) return;
    const items = Array.from(panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && dismissable) onClose();
      }}
    >
      <div
        ref={panelRef}
        className={`dialog dialog-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <header className="dialog-header">
          <div>
            <h2 className="dialog-title" id={titleId}>
              {title}
            </h2>
            {description && (
              <div className="dialog-description" id={descriptionId}>
                {description}
              </div>
            )}
          </div>
          {dismissable && (
            <IconButton label="Close" onClick={onClose}>
              <X size={16} />
            </IconButton>
          )}
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}
