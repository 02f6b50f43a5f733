import {
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { CalendarDays, Flag, Hash, Plus, Repeat, X } from "lucide-react";
import { IconButton, Kbd } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  useCreateTask,
  useParseNow,
  useQuickAddParse,
  type Due,
  type QuickAddSpan,
  type SpanKind,
  type Task,
  type TextRange,
} from "./api";

export const QUICK_ADD_PLACEHOLDER = "Add a task — e.g. pay rent every month on the 1st p1 #home";

const SPAN_ICONS: Record<SpanKind, ReactNode> = {
  due: <CalendarDays size={13} aria-hidden />,
  recurrence: <Repeat size={13} aria-hidden />,
  priority: <Flag size={13} aria-hidden />,
  tag: <Hash size={13} aria-hidden />,
};

/**
 * Keeps the ranges the person un-chipped pointing at the same words while they edit the line:
 * ranges before the edit stay, ranges after it move with it, ranges the edit touches are dropped.
 */
export function shiftRanges(before: string, after: string, ranges: readonly TextRange[]) {
  if (ranges.length === 0 || before === after) return ranges;
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before[prefix] === after[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const editEnd = before.length - suffix;
  const delta = after.length - before.length;
  const next: TextRange[] = [];
  for (const range of ranges) {
    if (range.end <= prefix) next.push(range);
    else if (range.start >= editEnd)
      next.push({ start: range.start + delta, end: range.end + delta });
  }
  return next;
}

/** Spans that still match the current text, in order, without overlaps (for highlighting). */
function liveSpans(text: string, spans: readonly QuickAddSpan[]): QuickAddSpan[] {
  const valid = spans
    .filter((span) => text.slice(span.range.start, span.range.end) === span.text)
    .sort((a, b) => a.range.start - b.range.start);
  const result: QuickAddSpan[] = [];
  let end = 0;
  for (const span of valid) {
    if (span.range.start < end) continue;
    result.push(span);
    end = span.range.end;
  }
  return result;
}

function Highlighted({ text, spans }: { text: string; spans: readonly QuickAddSpan[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.range.start > at) parts.push(text.slice(at, span.range.start));
    parts.push(
      <mark key={span.range.start} className={`quick-add-mark quick-add-mark-${span.kind}`}>
        {text.slice(span.range.start, span.range.end)}
      </mark>,
    );
    at = span.range.end;
  }
  parts.push(text.slice(at));
  // A zero-width space keeps the mirror's line box even when the text is empty.
  return <>{parts}&#8203;</>;
}

/**
 * The one-line quick add: the recognised parts of the line are highlighted as they are typed and
 * listed as chips; removing a chip keeps those words in the title.
 */
export function QuickAdd({
  inputRef,
  defaultDue,
  hint,
  onCreated,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  /** Used when the line names no date (the Today view adds tasks for today). */
  defaultDue: Due | null;
  hint?: string;
  onCreated: (task: Task) => void;
}) {
  const [text, setText] = useState("");
  const [literal, setLiteral] = useState<readonly TextRange[]>([]);
  const mirrorRef = useRef<HTMLDivElement>(null);
  const hasText = text.trim() !== "";
  const parse = useQuickAddParse(text, literal);
  const parseNow = useParseNow();
  const create = useCreateTask();
  const [submitError, setSubmitError] = useState<unknown>(null);

  const spans = hasText ? (parse.data?.spans ?? []) : [];
  const live = liveSpans(text, spans);
  const error = formErrors(submitError ?? (hasText ? parse.error : null), []).form;

  const syncScroll = () => {
    if (mirrorRef.current && inputRef.current) {
      mirrorRef.current.scrollLeft = inputRef.current.scrollLeft;
    }
  };

  const onChange = (next: string) => {
    setLiteral((ranges) => shiftRanges(text, next, ranges));
    setText(next);
    setSubmitError(null);
  };

  const keepLiteral = (span: QuickAddSpan) => {
    setLiteral((ranges) => [...ranges, span.range]);
    inputRef.current?.focus();
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!hasText || create.isPending) return;
    setSubmitError(null);
    // Clear the line at once so typing the next task can start while this one is saved; a
    // failure puts the line back (unless something new was typed meanwhile).
    const submitted = { text, literal };
    setText("");
    setLiteral([]);
    try {
      const draft = await parseNow(submitted.text, submitted.literal);
      const task = await create.mutateAsync({
        title: draft.title,
        notes: null,
        due: draft.due ?? defaultDue,
        priority: draft.priority,
        tags: draft.tags,
        recurrence: draft.recurrence?.rrule ?? null,
      });
      onCreated(task);
    } catch (e) {
      if (!inputRef.current?.value) {
        setText(submitted.text);
        setLiteral(submitted.literal);
      }
      setSubmitError(e);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      if (text) onChange("");
      else event.currentTarget.blur();
    }
  };

  return (
    <form className="quick-add" onSubmit={(event) => void submit(event)} noValidate>
      <div className={["quick-add-bar", error && "quick-add-invalid"].filter(Boolean).join(" ")}>
        <Plus size={16} className="quick-add-plus" aria-hidden />
        <div className="quick-add-field">
          <div className="quick-add-mirror" ref={mirrorRef} aria-hidden>
            <Highlighted text={text} spans={live} />
          </div>
          <input
            ref={inputRef}
            className="quick-add-input"
            aria-label="Add a task"
            aria-describedby="quick-add-help"
            placeholder={QUICK_ADD_PLACEHOLDER}
            value={text}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={onKeyDown}
            onScroll={syncScroll}
            onSelect={syncScroll}
            autoComplete="off"
            spellCheck={false}
            data-testid="quick-add"
          />
        </div>
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          disabled={!hasText}
          aria-busy={create.isPending || undefined}
          data-testid="quick-add-submit"
        >
          Add
        </button>
      </div>
      {(spans.length > 0 || error) && (
        <div className="quick-add-below">
          {spans.length > 0 && (
            <ul className="quick-add-chips" aria-label="Recognised in the line">
              {spans.map((span) => (
                <li
                  key={`${span.kind}-${span.range.start}`}
                  className={`chip quick-add-chip quick-add-chip-${span.kind}`}
                  data-testid={`quick-add-chip-${span.kind}`}
                >
                  {SPAN_ICONS[span.kind]}
                  <span>{span.label}</span>
                  <IconButton
                    label={`Keep “${span.text}” in the title`}
                    className="chip-remove"
                    onClick={() => keepLiteral(span)}
                    data-testid={`quick-add-chip-remove-${span.kind}`}
                  >
                    <X size={12} />
                  </IconButton>
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p className="field-error" role="alert" data-testid="quick-add-error">
              {error}
            </p>
          )}
        </div>
      )}
      <p className="quick-add-help" id="quick-add-help">
        {hint ?? "Dates, “every …”, p1–p4 and #tags are recognised."} <Kbd>Enter</Kbd> adds,{" "}
        <Kbd>Esc</Kbd> clears.
      </p>
    </form>
  );
}
