import { useLayoutEffect, type FormEvent, type ReactNode, type RefObject } from "react";
import { ArrowUp, Square } from "lucide-react";
import { Button, Kbd } from "../../components/ui";

/** The composer grows with its text up to this height, then scrolls. */
const MAX_HEIGHT = 240;

export type ComposerProps = {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  /** An answer is streaming in this thread: Send becomes Stop. */
  streaming: boolean;
  stopping: boolean;
  /** Sending is not possible right now (a request is on its way, or another window answers). */
  busy: boolean;
  placeholder: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  /** Shown at the start of the bar under the text (the agent picker of a new chat). */
  leading?: ReactNode;
  /** The keys hint, where Escape means something else than "stop" (the quick chat hides). */
  hint?: ReactNode;
};

/** Where a message is written: Enter sends, Shift+Enter starts a new line, Escape stops. */
export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  streaming,
  stopping,
  busy,
  placeholder,
  textareaRef,
  leading,
  hint,
}: ComposerProps) {
  useLayoutEffect(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT)}px`;
  }, [value, textareaRef]);

  const canSend = !streaming && !busy && value.trim() !== "";
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (canSend) onSend();
  };

  return (
    <form className="composer" onSubmit={submit} data-testid="composer-form">
      <textarea
        ref={textareaRef}
        className="composer-input"
        rows={1}
        value={value}
        placeholder={placeholder}
        aria-label="Message"
        autoFocus
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          // An IME composing a word uses Enter to confirm it; that Enter is not a send.
          if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          submit();
        }}
        data-testid="composer"
      />
      <div className="composer-bar">
        <div className="composer-leading">{leading}</div>
        <span className="composer-hint">
          {hint ?? (
            <>
              <Kbd>Enter</Kbd> to send · <Kbd>Shift+Enter</Kbd> new line
              {streaming && (
                <>
                  {" "}
                  · <Kbd>Esc</Kbd> to stop
                </>
              )}
            </>
          )}
        </span>
        {streaming ? (
          <Button
            size="sm"
            variant="secondary"
            icon={<Square size={12} fill="currentColor" />}
            loading={stopping}
            onClick={onStop}
            data-testid="stop-button"
          >
            Stop
          </Button>
        ) : (
          <Button
            type="submit"
            size="sm"
            variant="primary"
            icon={<ArrowUp size={15} />}
            disabled={!canSend}
            data-testid="send-button"
          >
            Send
          </Button>
        )}
      </div>
    </form>
  );
}
