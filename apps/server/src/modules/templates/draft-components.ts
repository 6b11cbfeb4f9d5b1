import type { TemplateDraft } from './template-rules.js';

/** Meta's creation payload for a checked draft: `{ name, language, category, parameter_format, components }`. Pure. */
export function toGraphTemplatePayload(draft: TemplateDraft) {
  const components: Record<string, unknown>[] = [];
  const header = draft.header;
  if (header?.format === 'TEXT') {
    components.push({
      type: 'HEADER',
      format: 'TEXT',
      text: header.text,
      ...(header.example ? { example: { header_text: [header.example] } } : {}),
    });
  } else if (header) {
    components.push({
      type: 'HEADER',
      format: header.format,
      example: { header_handle: [header.mediaHandle] },
    });
  }
  components.push({
    type: 'BODY',
    text: draft.body.text,
    ...(draft.body.examples.length > 0 ? { example: { body_text: [draft.body.examples] } } : {}),
  });
  if (draft.footer) components.push({ type: 'FOOTER', text: draft.footer });
  if (draft.buttons && draft.buttons.length > 0) {
    components.push({
      type: 'BUTTONS',
      buttons: draft.buttons.map((b) => {
        if (b.type === 'URL')
          return { type: 'URL', text: b.text, url: b.url, ...(b.example ? { example: [b.example] } : {}) };
        if (b.type === 'PHONE_NUMBER')
          return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phoneNumber };
        if (b.type === 'COPY_CODE') return { type: 'COPY_CODE', example: b.example };
        return { type: 'QUICK_REPLY', text: b.text };
      }),
    });
  }
  return {
    name: draft.name,
    language: draft.language,
    category: draft.category,
    parameter_format: 'positional',
    components,
  };
}
