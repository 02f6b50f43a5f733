/** `{{ name }}` placeholders in a starter's prompt. */
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The distinct variable names of a prompt, in the order they first appear. */
export function starterVariables(prompt: string): string[] {
  const names: string[] = [];
  for (const match of prompt.matchAll(VARIABLE)) {
    const name = match[1] ?? "";
    if (name !== "" && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The prompt with each variable replaced by its value (unknown ones are left as written). */
export function fillStarter(prompt: string, values: Readonly<Record<string, string>>): string {
  return prompt.replace(VARIABLE, (whole, name: string) => values[name] ?? whole);
}
