import { isAppError } from "./ipc";

export type FormErrors = {
  /** Messages keyed by input name, for errors the backend tied to a field this form shows. */
  fields: Record<string, string>;
  /** A message for the whole form, when the error is not about one of its fields. */
  form: string | null;
};

const NONE: FormErrors = { fields: {}, form: null };

/** "45 seconds", "1 minute", "3 minutes" — for telling people how long to wait. */
export function formatWait(totalSecs: number): string {
  const secs = Math.max(1, Math.ceil(totalSecs));
  if (secs < 60) return `${secs} ${secs === 1 ? "second" : "seconds"}`;
  const minutes = Math.ceil(secs / 60);
  if (minutes < 60) return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} ${hours === 1 ? "hour" : "hours"}`;
}

/**
 * Splits a command error between the form's fields and a form-level alert. Session errors
 * (Unauthenticated, Locked) are handled globally, so they produce nothing here.
 */
export function formErrors(error: unknown, fieldNames: readonly string[]): FormErrors {
  if (error == null) return NONE;
  if (!isAppError(error)) return { fields: {}, form: "Something went wrong. Please try again." };
  switch (error.code) {
    case "Unauthenticated":
    case "Locked":
      return NONE;
    case "Throttled":
      return {
        fields: {},
        form:
          error.retryAfterSecs != null
            ? `Too many attempts. Try again in ${formatWait(error.retryAfterSecs)}.`
            : error.message,
      };
    default:
      if (error.field && fieldNames.includes(error.field)) {
        return { fields: { [error.field]: error.message }, form: null };
      }
      return { fields: {}, form: error.message };
  }
}

/** Reads a named text value out of a submitted form. */
export function formValue(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value : "";
}
