import type { TemplateDto } from '@parley/contracts';

/** The statuses the list filters by; anything else Meta reports (IN_APPEAL, ARCHIVED …) counts as "other". */
export const STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type StatusFilter = 'ALL' | (typeof STATUSES)[number];

const STATUS_COLORS: Record<string, string> = {
  APPROVED: 'teal',
  PENDING: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'gray',
};

/** The badge colour of a status (unknown ones are grey). Pure. */
export function statusColor(status: string): string {
  return STATUS_COLORS[status.toUpperCase()] ?? 'gray';
}

const QUALITY_COLORS: Record<string, string> = { GREEN: 'teal', YELLOW: 'yellow', RED: 'red' };

/** The colour of Meta's quality rating (GREEN/YELLOW/RED), null when not rated. Pure. */
export function qualityColor(quality: string | null | undefined): string | null {
  if (!quality) return null;
  return QUALITY_COLORS[quality.toUpperCase()] ?? null;
}

/** The body text of a template (what the list shows under its name). Pure. */
export function bodyOf(t: TemplateDto): string {
  const body = (t.components as { type?: string; text?: string }[]).find(
    (c) => String(c.type ?? '').toUpperCase() === 'BODY',
  );
  return body?.text ?? '';
}

/**
 * The templates matching a status and a text (in name, language or body, case-insensitive), sorted by
 * name, then language. Pure.
 */
export function filterTemplates(
  templates: TemplateDto[],
  filter: { status: StatusFilter; query: string },
): TemplateDto[] {
  const q = filter.query.trim().toLowerCase();
  return templates
    .filter((t) => filter.status === 'ALL' || t.status.toUpperCase() === filter.status)
    .filter(
      (t) =>
        !q ||
        t.name.toLowerCase().includes(q) ||
        t.language.toLowerCase().includes(q) ||
        bodyOf(t).toLowerCase().includes(q),
    )
    .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
}
