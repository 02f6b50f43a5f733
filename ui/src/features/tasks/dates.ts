import type { Due } from "./api";

/** A local calendar date as "YYYY-MM-DD" (never via toISOString, which is UTC). */
export function isoDate(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** Reads "YYYY-MM-DD" as a local date at midnight; null for anything else. */
export function parseIsoDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

function addDays(date: Date, days: number): Date {
  const next = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  next.setDate(next.getDate() + days);
  return next;
}

export type QuickDate = "today" | "tomorrow" | "nextWeek";

export const QUICK_DATE_LABELS: Record<QuickDate, string> = {
  today: "Today",
  tomorrow: "Tomorrow",
  nextWeek: "Next week",
};

/** Today, tomorrow, or next week's Monday (as Todoist and Things mean "next week"). */
export function quickDate(choice: QuickDate, now = new Date()): string {
  switch (choice) {
    case "today":
      return isoDate(now);
    case "tomorrow":
      return isoDate(addDays(now, 1));
    case "nextWeek": {
      const untilMonday = ((8 - now.getDay()) % 7 || 7) as number;
      return isoDate(addDays(now, untilMonday));
    }
  }
}

const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const longWeekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long" });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: "short" });

function daysBetween(from: Date, to: Date): number {
  const a = Date.UTC(from.getFullYear(), from.getMonth(), from.getDate());
  const b = Date.UTC(to.getFullYear(), to.getMonth(), to.getDate());
  return Math.round((b - a) / 86_400_000);
}

/** "Mon 1 Dec", with the year when it is not this year. */
export function shortDate(date: Date, now = new Date()): string {
  const base = `${weekdayFormat.format(date)} ${date.getDate()} ${monthFormat.format(date)}`;
  return date.getFullYear() === now.getFullYear() ? base : `${base} ${date.getFullYear()}`;
}

/** "Today", "Tomorrow", "Yesterday", "Friday" (within a week), else "Mon 1 Dec". */
export function dayLabel(value: string, now = new Date()): string {
  const date = parseIsoDate(value);
  if (!date) return value;
  const days = daysBetween(now, date);
  if (days === 0) return "Today";
  if (days === 1) return "Tomorrow";
  if (days === -1) return "Yesterday";
  if (days > 1 && days < 7) return longWeekdayFormat.format(date);
  return shortDate(date, now);
}

/** The chip text for a due: "Today", "Tomorrow 17:00", "Mon 1 Dec". */
export function dueLabel(due: Due, now = new Date()): string {
  const day = dayLabel(due.date, now);
  return due.time ? `${day} ${due.time}` : day;
}

/** A heading for a day in Upcoming: "Tomorrow · Tue 2 Dec". */
export function dayHeading(value: string, now = new Date()): string {
  const date = parseIsoDate(value);
  if (!date) return value;
  const label = dayLabel(value, now);
  const short = shortDate(date, now);
  return label === short ? short : `${label} · ${short}`;
}

const stampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** An RFC 3339 instant in the person's words and time zone. */
export function formatStamp(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : stampFormat.format(date);
}
