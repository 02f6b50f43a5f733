import { useEffect, useState } from "react";
import { Check, Copy } from "lucide-react";

/**
 * Copies `text` to the clipboard and says so for a moment. `label` names what is copied
 * ("Copy code"); without `showLabel` only the icon shows.
 */
export function CopyButton({
  text,
  label = "Copy",
  showLabel = false,
  className,
  testId,
}: {
  text: string;
  label?: string;
  showLabel?: boolean;
  className?: string;
  testId?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 1600);
    return () => window.clearTimeout(timer);
  }, [state]);

  const copy = () => {
    // The clipboard API exists only in secure contexts; Tauri's webview is one.
    const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
    if (!clipboard) {
      setState("failed");
      return;
    }
    clipboard.writeText(text).then(
      () => setState("copied"),
      () => setState("failed"),
    );
  };

  const shown = state === "copied" ? "Copied" : state === "failed" ? "Could not copy" : label;
  return (
    <button
      type="button"
      className={["copy-btn", className].filter(Boolean).join(" ")}
      onClick={copy}
      aria-label={showLabel ? undefined : shown}
      title={shown}
      data-testid={testId}
      data-state={state}
    >
      {state === "copied" ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      {showLabel && <span>{shown}</span>}
    </button>
  );
}
