import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeErrorCode, ERROR_CODES, isRetryableErrorCode } from './error-codes.js';
import { fixtureKind, fixtureNames, fixtures, loadFixture } from './fixtures.js';
import {
  graphErrorSchema,
  mediaUploadResponseSchema,
  mediaUrlResponseSchema,
  sendMessageResponseSchema,
  templateCreateRequestSchema,
  templateCreateResponseSchema,
  templatesListResponseSchema,
  uploadFileResponseSchema,
  uploadSessionResponseSchema,
} from './schemas/graph.js';
import { inboundMessageSchema } from './schemas/inbound.js';
import { markReadRequestSchema, sendMessageRequestSchema } from './schemas/send.js';
import { parseWebhookPayload } from './schemas/webhook.js';

const requestSchemas: Record<string, { safeParse(value: unknown): { success: boolean } }> = {
  'mark-read-typing-request': markReadRequestSchema,
  'template-create-request': templateCreateRequestSchema,
};
const responseSchemas: Record<string, { safeParse(value: unknown): { success: boolean } }> = {
  'media-upload-response': mediaUploadResponseSchema,
  'media-url-response': mediaUrlResponseSchema,
  'send-response': sendMessageResponseSchema,
  'send-template-response-paced': sendMessageResponseSchema,
  'template-create-response': templateCreateResponseSchema,
  'templates-list-response': templatesListResponseSchema,
};

describe('example fixtures', () => {
  it('ships all 36 examples of the contract', () => {
    expect(fixtureNames).toHaveLength(36);
    expect(Object.keys(fixtures)).toEqual(fixtureNames);
  });

  const shared = new URL('../../../../shared/docs/whatsapp-examples/', import.meta.url);
  it.runIf(existsSync(shared))('are the same JSON as shared/docs/whatsapp-examples', () => {
    for (const name of fixtureNames) {
      const original = JSON.parse(readFileSync(new URL(`${name}.json`, shared), 'utf8'));
      expect(loadFixture(name), name).toEqual(original);
    }
  });

  for (const name of fixtureNames) {
    it(`${name} parses with its schema`, () => {
      const body = loadFixture(name);
      const kind = fixtureKind(name);
      if (kind === 'inbound' || kind === 'status' || kind === 'value' || kind === 'template-status') {
        const result = parseWebhookPayload(body);
        expect(result).toMatchObject({ success: true });
        if (!result.success) return;
        expect(result.entries[0]?.changes[0]?.field).not.toBe('other');
        return;
      }
      if (kind === 'error') {
        expect(graphErrorSchema.safeParse(body).success).toBe(true);
        return;
      }
      const schema =
        kind === 'request' ? (requestSchemas[name] ?? sendMessageRequestSchema) : responseSchemas[name];
      expect(schema, `schema for ${name}`).toBeDefined();
      expect(schema!.safeParse(body).success).toBe(true);
    });
  }
});

describe('schemas are tolerant and honest', () => {
  it('keeps unknown fields Meta may add', () => {
    const body = loadFixture<Record<string, unknown>>('inbound-text') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    body.entry[0]!.changes[0]!.value.messages[0]!.brand_new_field = { x: 1 };
    const result = parseWebhookPayload(body);
    expect(result.success).toBe(true);
    if (!result.success) return;
    const change = result.entries[0]!.changes[0]!;
    expect(change.field).toBe('messages');
    if (change.field !== 'messages') return;
    expect(change.value.messages![0]).toHaveProperty('brand_new_field');
  });

  it('accepts an unknown message type and a username-only sender', () => {
    const message = { from_user_id: 'US.1349', id: 'wamid.X', timestamp: '1', type: 'request_welcome' };
    expect(inboundMessageSchema.safeParse(message).success).toBe(true);
  });

  it('rejects a known type without its object, with the path', () => {
    const result = inboundMessageSchema.safeParse({ from: '1', id: 'w', timestamp: '1', type: 'image' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['image']);
  });

  it('reports every issue of a broken webhook with a path', () => {
    const result = parseWebhookPayload({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((issue) => issue.path)).toContain('entry.0.changes.0.value.metadata');
  });

  it('returns unknown fields as "other" instead of failing', () => {
    const result = parseWebhookPayload({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', time: 5, changes: [{ field: 'account_update', value: { event: 'X' } }] }],
    });
    expect(result).toMatchObject({
      success: true,
      entries: [{ changes: [{ field: 'other', originalField: 'account_update' }] }],
    });
  });

  it('rejects a send with both id and link, or without a recipient', () => {
    const base = { messaging_product: 'whatsapp', to: '1', type: 'image' };
    expect(
      sendMessageRequestSchema.safeParse({ ...base, image: { id: '1', link: 'https://x' } }).success,
    ).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ ...base, image: { id: '1' } }).success).toBe(true);
    const { to: _to, ...noRecipient } = base;
    expect(sendMessageRequestSchema.safeParse({ ...noRecipient, image: { id: '1' } }).success).toBe(false);
  });
});

describe('resumable upload (template header samples)', () => {
  it('reads the upload session id and the file handle as Meta documents them', () => {
    expect(uploadSessionResponseSchema.parse({ id: 'upload:MTphdHRhY2htZW50' })).toEqual({
      id: 'upload:MTphdHRhY2htZW50',
    });
    expect(uploadFileResponseSchema.parse({ h: '2:c2FtcGxl:aW1hZ2UvanBlZw==:ARZ' }).h).toBe(
      '2:c2FtcGxl:aW1hZ2UvanBlZw==:ARZ',
    );
  });

  it('refuses a session id without the upload: prefix and an empty handle', () => {
    expect(uploadSessionResponseSchema.safeParse({ id: '12345' }).success).toBe(false);
    expect(uploadFileResponseSchema.safeParse({ h: '' }).success).toBe(false);
    expect(uploadFileResponseSchema.safeParse({ id: 'x' }).success).toBe(false);
  });
});

describe('error code table', () => {
  it('has English and German text for every code', () => {
    for (const info of ERROR_CODES.values()) {
      expect(info.explanation.en.length, String(info.code)).toBeGreaterThan(10);
      expect(info.explanation.de.length, String(info.code)).toBeGreaterThan(10);
    }
  });

  it.each([
    [190, 401, false],
    [130429, 429, true],
    [131056, 400, true],
    [131047, 400, false],
    [131000, 500, true],
    [2, 503, true],
    [131031, 403, false],
    [250, 403, false],
  ])('code %i → HTTP %i, retryable %s', (code, status, retryable) => {
    expect(describeErrorCode(code).httpStatus).toBe(status);
    expect(isRetryableErrorCode(code)).toBe(retryable);
  });

  it('describes an unknown code generically instead of throwing', () => {
    expect(describeErrorCode(999999)).toMatchObject({ code: 999999, retryable: false, httpStatus: 400 });
  });
});
