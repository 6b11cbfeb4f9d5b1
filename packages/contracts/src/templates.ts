import { z } from 'zod';

/**
 * A new message template as the template manager submits it; checked against Meta's rules on the
 * server (each broken rule comes back as an issue with a `rule` code) before it goes to Meta for review.
 */
const buttonDraft = z.discriminatedUnion('type', [
  z.object({ type: z.literal('QUICK_REPLY'), text: z.string().max(200) }),
  z.object({
    type: z.literal('URL'),
    text: z.string().max(200),
    url: z.string().max(2000),
    example: z.string().max(2000).optional(),
  }),
  z.object({ type: z.literal('PHONE_NUMBER'), text: z.string().max(200), phoneNumber: z.string().max(40) }),
  z.object({ type: z.literal('COPY_CODE'), example: z.string().max(200).optional() }),
]);

export const createTemplateRequest = z.object({
  name: z.string().max(600),
  category: z.string().max(40),
  language: z.string().max(20),
  header: z
    .discriminatedUnion('format', [
      z.object({
        format: z.literal('TEXT'),
        text: z.string().max(200),
        example: z.string().max(200).optional(),
      }),
      z.object({
        format: z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']),
        /** A sample file's handle from Meta's resumable upload. */
        mediaHandle: z.string().max(2000).optional(),
      }),
    ])
    .optional(),
  body: z.object({ text: z.string().max(2000), examples: z.array(z.string().max(500)).max(100).default([]) }),
  footer: z.string().max(200).optional(),
  buttons: z.array(buttonDraft).max(20).optional(),
});
export type CreateTemplateRequest = z.infer<typeof createTemplateRequest>;
