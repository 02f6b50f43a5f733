const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const yearFormat = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
});
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function sameDay(a: Date, b: Date) {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

/** "14:05" today, "3 Mar" this year, "3 Mar 2024" before: short enough for a list row. */
export function listTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  if (sameDay(date, now)) return timeFormat.format(date);
  return date.getFullYear() === now.getFullYear()
    ? dayFormat.format(date)
    : yearFormat.format(date);
}

/** "3 Mar 2025, 14:05", for tooltips and the activity panel. */
export function fullTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : fullFormat.format(date);
}

/** "840 ms", "2.4 s", "1 min 12 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

const numberFormat = new Intl.NumberFormat();

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** Search snippets mark the match between these private-use characters. */
const MARK_START = "\uE000";
const MARK_END = "\uE001";

export type SnippetPart = { text: string; marked: boolean };

/**
 * Splits a search snippet into plain and marked runs, to render as text and <mark> elements
 * (never as HTML). A marker left open marks the rest; stray markers are dropped.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let marked = false;
  let text = "";
  const push = () => {
    if (text !== "") parts.push({ text, marked });
    text = "";
  };
  for (const char of snippet) {
    if (char === MARK_START || char === MARK_END) {
      push();
      marked = char === MARK_START;
    } else {
      text += char;
    }
  }
  push();
  return parts;
}

/** A run of an answer's text, or the tool calls made at one point of it. */
export type AnswerPart<Call> =
  | { kind: "text"; text: string; start: number }
  | { kind: "tools"; position: number; calls: Call[] };

/**
 * Splits an answer's text at the positions (UTF-16 offsets, i.e. string indices) where its tool
 * calls were made, with the calls between the pieces. Calls at the same position stay together
 * in their order; a position past the text (its deltas not shown yet) counts as its end.
 */
export function answerParts<Call extends { position: number }>(
  content: string,
  calls: readonly Call[],
): AnswerPart<Call>[] {
  const placed = calls
    .map((call, index) => ({
      call,
      index,
      at: Math.min(Math.max(0, Math.floor(call.position)), content.length),
    }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const parts: AnswerPart<Call>[] = [];
  let from = 0;
  for (const { call, at } of placed) {
    if (at > from) {
      parts.push({ kind: "text", text: content.slice(from, at), start: from });
      from = at;
    }
    const last = parts.at(-1);
    if (last?.kind === "tools" && last.position === at) last.calls.push(call);
    else parts.push({ kind: "tools", position: at, calls: [call] });
  }
  if (from < content.length) {
    parts.push({ kind: "text", text: content.slice(from), start: from });
  }
  return parts;
}
