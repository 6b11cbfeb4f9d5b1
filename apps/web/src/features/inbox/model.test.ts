import { describe, expect, it } from 'vitest';
import type { MessageDto } from './api';
import {
  collectReactions,
  displayFilename,
  explainErrorCode,
  formatBytes,
  previewText,
  sameOriginMediaUrl,
} from './model';

let seq = 0;
function reaction(
  direction: 'inbound' | 'outbound',
  target: string,
  emoji: string,
  status = 'sent',
): MessageDto {
  seq += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString();
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    direction,
    kind: 'message',
    type: 'reaction',
    text: null,
    content: { reaction: { message_id: target, emoji } },
    status: (direction === 'inbound' ? 'received' : status) as MessageDto['status'],
    providerMessageId: `wamid.r${seq}`,
    replyToProviderId: null,
    errorCode: null,
    errorTitle: null,
    retryable: false,
    media: null,
    senderUserId: null,
    createdAt: at,
    updatedAt: at,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
  };
}

describe('collectReactions', () => {
  it('keeps the latest emoji per side and drops removed ones', () => {
    const map = collectReactions([
      reaction('inbound', 'wamid.a', '😂'),
      reaction('outbound', 'wamid.a', '👍'),
      reaction('outbound', 'wamid.a', '❤️'),
      reaction('inbound', 'wamid.b', '😮'),
      reaction('inbound', 'wamid.b', ''),
      reaction('outbound', 'wamid.c', '🙏'),
      reaction('outbound', 'wamid.c', ''),
    ]);
    expect(map.get('wamid.a')).toEqual({ customer: '😂', ours: '❤️' });
    expect(map.has('wamid.b')).toBe(false);
    expect(map.has('wamid.c')).toBe(false);
  });

  it('ignores our reactions that failed (the previous state stands)', () => {
    const map = collectReactions([
      reaction('outbound', 'wamid.a', '👍'),
      reaction('outbound', 'wamid.a', '😢', 'failed'),
    ]);
    expect(map.get('wamid.a')).toEqual({ customer: null, ours: '👍' });
  });
});

describe('sameOriginMediaUrl', () => {
  const origin = 'https://parley.example';
  it.each([
    ['/api/v1/workspaces/w1/media/m1', '/api/v1/workspaces/w1/media/m1'],
    ['https://parley.example/api/v1/workspaces/w1/media/m1', '/api/v1/workspaces/w1/media/m1'],
    ['https://evil.example/api/v1/workspaces/w1/media/m1', null],
    ['//evil.example/api/v1/workspaces/w1/media/m1', null],
    ['javascript:alert(1)', null],
    ['data:image/png;base64,AAAA', null],
    ['/api/v1/workspaces/w1/conversations', null],
    ['/api/v1/workspaces/w1/media/m1/../../x', null],
    ['', null],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(sameOriginMediaUrl(input, origin)).toBe(expected);
  });
});

describe('formatBytes', () => {
  it.each([
    [2_400_000, 'en', '2.4 MB'],
    [2_400_000, 'de', '2,4 MB'],
    [830_000, 'en', '830 kB'],
    [1_500, 'en', '1.5 kB'],
    [12, 'en', '12 bytes'],
    [null, 'en', null],
    [-1, 'en', null],
  ])('%s in %s → %s', (bytes, language, expected) => {
    expect(formatBytes(bytes, language)).toBe(expected);
  });
});

describe('explainErrorCode', () => {
  it('explains in the UI language, English for anything but German', () => {
    expect(explainErrorCode(131026, 'de-DE')).toMatch(/^Die Nachricht war nicht zustellbar/);
    expect(explainErrorCode(131026, 'en')).toMatch(/^The message could not be delivered/);
    expect(explainErrorCode(131026, 'fr')).toMatch(/^The message could not be delivered/);
    expect(explainErrorCode(999_999, 'en')).toMatch(/does not know/);
  });
});

describe('displayFilename', () => {
  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['  Angebot (final).pdf ', 'Angebot (final).pdf'],
    ['"><img src=x onerror=alert(1)>.pdf', '"><img src=x onerror=alert(1)>.pdf'],
    ['\u2066\u2069', null],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(displayFilename(input)).toBe(expected);
  });
});

describe('previewText', () => {
  const german: Record<string, string> = {
    'list.noPreview': 'Noch keine Nachrichten',
    'message.types.image': 'Foto',
    'message.types.location': 'Standort',
    'message.types.sticker': 'Sticker',
    'message.types.system': 'Systemnachricht',
  };
  const t = ((key: string, opts?: { type?: string }) =>
    key === 'list.previewUnsupported'
      ? `Nicht unterstützte Nachricht (${opts?.type})`
      : (german[key] ?? key)) as unknown as Parameters<typeof previewText>[1];

  it('shows the labels the server stores for messages without text in the reader’s language', () => {
    expect(previewText('📷 Photo', t)).toBe('📷 Foto');
    expect(previewText('📍 Location', t)).toBe('📍 Standort');
    expect(previewText('System message', t)).toBe('Systemnachricht');
    expect(previewText('Unsupported message (ephemeral)', t)).toBe(
      'Nicht unterstützte Nachricht (ephemeral)',
    );
    expect(previewText(null, t)).toBe('Noch keine Nachrichten');
  });

  it('leaves a message’s own text alone, even when it resembles a label', () => {
    expect(previewText('Hallo, ist mein Paket unterwegs?', t)).toBe('Hallo, ist mein Paket unterwegs?');
    expect(previewText('📷 Photo of my parcel', t)).toBe('📷 Photo of my parcel');
    expect(previewText('Unsupported message (<script>)', t)).toBe('Unsupported message (<script>)');
  });
});
