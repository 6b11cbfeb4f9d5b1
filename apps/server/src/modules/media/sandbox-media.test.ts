import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxInstall, startSandboxInstall } from '../../test/sandbox-install.js';
import { until } from '../../test/whatsapp-testbed.js';

/**
 * The built-in sandbox hands out media URLs under PUBLIC_URL (here http://parley.test, which does not
 * resolve): the server still downloads inbound media, from its own sandbox.
 */
let sandbox: SandboxInstall;

beforeAll(async () => {
  sandbox = await startSandboxInstall({
    workspaceName: 'Sandbox Medien GmbH',
    email: 'sandra@sandbox-media.test',
  });
});
afterAll(async () => sandbox?.close());

describe('media on the sandbox number', () => {
  it('downloads a customer photo although the public URL is not reachable from the server', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      crypto.randomBytes(4000),
    ]);
    const sent = await sandbox.inbound({
      from: '4915700000077',
      name: 'Foto Kundin',
      message: { type: 'image', image: { caption: 'Foto' } },
      media: { data_base64: bytes.toString('base64'), mime_type: 'image/png' },
    });
    expect(sent.status).toBe(200);
    const file = await until(
      'the photo to leave pending',
      async () => {
        const conversation = await sandbox.conversationOf('Foto Kundin');
        if (!conversation) return undefined;
        const messages = await sandbox.messagesOf(conversation.id);
        return messages.find((m) => m.media && m.media.status !== 'pending')?.media;
      },
      20_000,
    );
    expect(file).toMatchObject({ status: 'stored', error: null });
    const served = await fetch(`${sandbox.url}${file.url}`, { headers: { cookie: sandbox.cookie } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
