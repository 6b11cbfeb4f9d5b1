import { parseWebhookPayload } from '@parley/whatsapp';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from './payloads.js';

const numbers = new Map([['200', { phoneNumberId: '200', displayPhoneNumber: '15550100001' }]]);
const message = (id: string, from: string) => ({
  from,
  id,
  timestamp: '1',
  type: 'text',
  text: { body: id },
});

describe('buildEnvelope', () => {
  it('groups messages with their contacts, statuses and errors per number; other fields in an entry with time', () => {
    const envelope = buildEnvelope(
      'waba',
      numbers,
      [
        {
          kind: 'message',
          phoneNumberId: '200',
          message: message('a', '1'),
          contact: { profile: { name: 'A' }, wa_id: '1' },
        },
        {
          kind: 'status',
          phoneNumberId: '200',
          status: { id: 'w', status: 'sent', timestamp: '1', recipient_id: '1' },
        },
        {
          kind: 'message',
          phoneNumberId: '200',
          message: message('b', '1'),
          contact: { profile: { name: 'A' }, wa_id: '1' },
        },
        {
          kind: 'change',
          field: 'message_template_status_update',
          value: {
            event: 'APPROVED',
            message_template_id: 1,
            message_template_name: 'x',
            message_template_language: 'en',
          },
        },
        { kind: 'error', phoneNumberId: '200', error: { code: 130429, title: 'Rate limit hit' } },
      ],
      1767261600,
    ) as {
      entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown[]> }[] }[];
    };
    expect(envelope.entry).toHaveLength(2);
    const [messagesEntry, otherEntry] = envelope.entry;
    expect(messagesEntry!.time).toBeUndefined();
    expect(
      messagesEntry!.changes.map((change) =>
        Object.keys(change.value).filter((key) => Array.isArray(change.value[key])),
      ),
    ).toEqual([['contacts', 'messages'], ['statuses'], ['errors']]);
    expect(messagesEntry!.changes[0]!.value.messages).toHaveLength(2);
    expect(messagesEntry!.changes[0]!.value.contacts).toHaveLength(1);
    expect(otherEntry).toMatchObject({
      id: 'waba',
      time: 1767261600,
      changes: [{ field: 'message_template_status_update' }],
    });
    expect(parseWebhookPayload(envelope).success).toBe(true);
  });
});
