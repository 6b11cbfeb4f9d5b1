/** The preset palette of the label colour picker (readable on light and dark backgrounds). */
export const LABEL_PALETTE = [
  '#e03131',
  '#e8590c',
  '#f08c00',
  '#2f9e44',
  '#0c8599',
  '#1971c2',
  '#5f3dc4',
  '#c2255c',
  '#495057',
] as const;

const hexColor = /^#[0-9a-f]{6}$/;

/**
 * Normalises what was typed into the colour field to `#rrggbb` (lower case), or null when it is not a
 * colour the API accepts. Accepts `#abc`, `abc`, `#aabbcc` and `aabbcc`, with spaces around.
 */
export function normalizeLabelColor(input: string): string | null {
  let value = input.trim().toLowerCase();
  if (!value.startsWith('#')) value = `#${value}`;
  if (/^#[0-9a-f]{3}$/.test(value)) value = `#${[...value.slice(1)].map((c) => c + c).join('')}`;
  return hexColor.test(value) ? value : null;
}

/** The first palette colour not used yet (the default for a new label), cycling when all are taken. */
export function nextLabelColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return LABEL_PALETTE.find((c) => !taken.has(c)) ?? LABEL_PALETTE[used.length % LABEL_PALETTE.length]!;
}

/** Another label already has this name (the server compares ignoring case and surrounding spaces). */
export function isDuplicateLabelName(
  name: string,
  labels: readonly { id: string; name: string }[],
  exceptId: string | null,
): boolean {
  const wanted = name.trim().toLocaleLowerCase();
  if (!wanted) return false;
  return labels.some((l) => l.id !== exceptId && l.name.trim().toLocaleLowerCase() === wanted);
}

/** Labels in alphabetical order of the UI language. */
export function sortLabels<T extends { name: string }>(labels: readonly T[], locale: string): T[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  return [...labels].sort((a, b) => collator.compare(a.name, b.name));
}

/**
 * The changed fields of an edited label (nothing when nothing changed), for PATCH. The name is
 * trimmed; the colour normalised.
 */
export function labelChanges(
  before: { name: string; color: string } | null,
  after: { name: string; color: string },
): { name?: string; color?: string } {
  const name = after.name.trim();
  const color = normalizeLabelColor(after.color) ?? after.color;
  if (!before) return { name, color };
  return {
    ...(name !== before.name ? { name } : {}),
    ...(color !== before.color.toLowerCase() ? { color } : {}),
  };
}
