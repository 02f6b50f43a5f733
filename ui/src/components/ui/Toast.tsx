import { useEffect, useRef } from "react";
import { X } from "lucide-react";
import { IconButton } from "./Button";

export type ToastProps = {
  message: string;
  /** An optional action, e.g. Undo. */
  actionLabel?: string;
  onAction?: () => void;
  actionTestId?: string;
  onDismiss: () => void;
  /** Dismisses itself after this long; hovering or focusing the toast pauses the clock. */
  durationMs?: number;
};

/**
 * A short-lived message at the bottom of the window. Render it with a `key` per message so a new
 * message restarts the clock.
 */
export function Toast({
  message,
  actionLabel,
  onAction,
  actionTestId = "toast-action",
  onDismiss,
  durationMs = 6000,
}: ToastProps) {
  const dismissRef = useRef(onDismiss);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    dismissRef.current = onDismiss;
  });

  const start = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => dismissRef.current(), durationMs);
  };
  const pause = () => window.clearTimeout(timer.current);

  useEffect(() => {
    timer.current = window.setTimeout(() => dismissRef.current(), durationMs);
    return () => window.clearTimeout(timer.current);
  }, [durationMs]);

  return (
    <div className="toast-region" role="status" aria-live="polite">
      <div
        className="toast"
        data-testid="toast"
        onMouseEnter={pause}
        onMouseLeave={start}
        onFocus={pause}
        onBlur={start}
      >
        <span className="toast-message">{message}</span>
        {actionLabel && onAction && (
          <button
            type="button"
            className="toast-action"
            onClick={() => {
              onAction();
              onDismiss();
            }}
            data-testid={actionTestId}
          >
            {actionLabel}
          </button>
        )}
        <IconButton label="Dismiss" className="toast-close" onClick={onDismiss}>
          <X size={14} />
        </IconButton>
      </div>
    </div>
  );
}
