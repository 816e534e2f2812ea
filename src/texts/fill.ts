/**
 * `fill("Accept {categories}", { categories: "Analytics" })`: each `{name}` given is replaced, the
 * rest left as written. Values are plain text like the template: the caller escapes the result.
 */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? whole) : whole,
  );
}

/** "A", "A and B", "A, B and C" with the language's `and`. */
export function joinList(items: readonly string[], and: string): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1] ?? ""}`;
}
