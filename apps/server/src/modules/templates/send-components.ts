import type { SendTemplateRequest, TemplateDto } from '@parley/contracts';

/**
 * The `components` of a template send (contract 5.5), built from the synced template and the agent's
 * values. Pure: the file of a media header is checked by the caller, and its Graph API media id is only
 * known when the send job uploads it, so the header carries a marker until then (`withHeaderMedia`).
 */

export type Issue = { path: string; message: string };
export type HeaderMediaKind = 'image' | 'video' | 'document';

/** Meta's copy-code buttons copy at most 15 characters. */
export const MAX_COUPON_CODE = 15;

/** The kind of file a header format needs (IMAGE → image …), or null for none, TEXT or LOCATION. */
export function headerMediaKindOf(format: TemplateDto['headerFormat']): HeaderMediaKind | null {
  if (format === 'IMAGE') return 'image';
  if (format === 'VIDEO') return 'video';
  if (format === 'DOCUMENT') return 'document';
  return null;
}

/** "an image", "a video" … for messages. */
export function withArticle(kind: string): string {
  if (kind === 'audio') return 'an audio file';
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/**
 * Issues with the button values (`body.template.buttons.<index>`): every button that takes a value
 * needs one, a URL's end has no whitespace, a coupon code at most 15 characters, and buttons that take
 * no value get none. Pure.
 */
export function buttonIssues(dto: TemplateDto, buttons: Record<string, string>): Issue[] {
  const issues: Issue[] = [];
  for (const b of dto.buttonParameters) {
    const path = `body.template.buttons.${b.index}`;
    const value = buttons[String(b.index)];
    const label = b.text ? `“${b.text}”` : String(b.index + 1);
    if (!value) issues.push({ path, message: `Fill in the value of the button ${label}` });
    else if (b.type === 'url' && /\s/.test(value))
      issues.push({ path, message: 'The end of a link cannot contain spaces or line breaks' });
    else if (b.type === 'copy_code' && value.length > MAX_COUPON_CODE)
      issues.push({ path, message: `A code can have at most ${MAX_COUPON_CODE} characters` });
  }
  for (const key of Object.keys(buttons)) {
    if (!dto.buttonParameters.some((b) => String(b.index) === key))
      issues.push({ path: `body.template.buttons.${key}`, message: 'This button takes no value' });
  }
  return issues;
}

/**
 * The components for validated values: the header (text values, or a media marker with the document's
 * file name), the body, then the buttons by index. Positional values go in {{1}}, {{2}} order (also when
 * given by key), named ones with their `parameter_name`.
 */
export function templateComponents(
  dto: TemplateDto,
  input: SendTemplateRequest['template'],
  headerMedia: { kind: HeaderMediaKind; filename?: string } | null,
): Record<string, unknown>[] {
  const components: Record<string, unknown>[] = [];
  const named = dto.parameterFormat === 'NAMED';
  const header = input.header ?? [];
  if (headerMedia) {
    components.push({
      type: 'header',
      parameters: [
        {
          type: headerMedia.kind,
          [headerMedia.kind]: {
            parley_media: true,
            ...(headerMedia.filename ? { filename: headerMedia.filename } : {}),
          },
        },
      ],
    });
  } else if (header.length > 0) {
    components.push({
      type: 'header',
      parameters: header.map((text, i) => ({
        type: 'text',
        ...(named ? { parameter_name: dto.headerParameters[i] } : {}),
        text,
      })),
    });
  }
  const body = input.body ?? [];
  if (dto.bodyParameters.length > 0) {
    components.push({
      type: 'body',
      parameters: Array.isArray(body)
        ? body.map((text) => ({ type: 'text', text }))
        : (named ? dto.bodyParameters : [...dto.bodyParameters].sort((a, b) => Number(a) - Number(b))).map(
            (name) => ({ type: 'text', ...(named ? { parameter_name: name } : {}), text: body[name] }),
          ),
    });
  }
  for (const b of dto.buttonParameters) {
    const value = input.buttons?.[String(b.index)] ?? '';
    components.push({
      type: 'button',
      sub_type: b.type,
      index: String(b.index),
      parameters: [
        b.type === 'url' ? { type: 'text', text: value } : { type: 'coupon_code', coupon_code: value },
      ],
    });
  }
  return components;
}

type Parameter = Record<string, unknown> & { type?: unknown };

/**
 * The stored `template` with the header's media marker replaced by the uploaded file's Graph API id
 * (`{ id }`, plus `filename` for a document). A copy; a template without a marker comes back unchanged.
 */
export function withHeaderMedia(template: unknown, graphMediaId: string): Record<string, unknown> {
  const t = (template ?? {}) as Record<string, unknown>;
  const components = Array.isArray(t.components) ? (t.components as Record<string, unknown>[]) : [];
  return {
    ...t,
    components: components.map((c) => {
      if (String(c.type).toLowerCase() !== 'header' || !Array.isArray(c.parameters)) return c;
      return {
        ...c,
        parameters: (c.parameters as Parameter[]).map((p) => {
          const kind = typeof p.type === 'string' ? p.type : '';
          const media = p[kind] as Record<string, unknown> | undefined;
          if (media?.parley_media !== true) return p;
          return {
            type: kind,
            [kind]: {
              id: graphMediaId,
              ...(typeof media.filename === 'string' ? { filename: media.filename } : {}),
            },
          };
        }),
      };
    }),
  };
}
