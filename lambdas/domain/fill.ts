/** A catalog string with its `{name}` placeholders filled in (an unknown one is left as it is). */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
