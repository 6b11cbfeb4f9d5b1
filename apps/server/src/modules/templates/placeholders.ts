/** Placeholders of a template text in order of first use: "Hi {{1}}, {{2}}" → ["1", "2"]; named → names. Pure. */
export function placeholdersOf(text: string | undefined): string[] {
  if (!text) return [];
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    if (!seen.includes(m[1]!)) seen.push(m[1]!);
  }
  return seen;
}

/** Fills placeholders with values (positional by index, or by name). Unfilled ones stay as they are. Pure. */
export function renderTemplateText(text: string, values: string[] | Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const v = Array.isArray(values) ? values[Number(key) - 1] : values[key];
    return v ?? whole;
  });
}
