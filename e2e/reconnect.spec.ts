import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  type RunningServer,
  screenshot,
  setUpOwner,
  startServer,
} from './harness.js';

/**
 * A TCP proxy between the browser and the server whose connection can be cut (every socket reset, new
 * connections refused) and restored: the network drop of T34, on loopback.
 */
async function cuttableProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let up = true;
  const srv = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

let server: RunningServer;
let browser: Browser;
let proxy: Awaited<ReturnType<typeof cuttableProxy>>;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  proxy = await cuttableProxy(Number(new URL(server.url).port));
});
afterAll(async () => {
  await proxy?.close();
  await browser?.close();
  await server?.stop();
});

const owner = { name: 'Nora Netz', email: 'nora@reconnect-e2e.test', password: 'Funkloch im Tunnel 2026' };
const customer = { waId: '4915199988877', name: 'Karl Kabel' };

/** The customer writes, straight to the server (not through the cut proxy). */
async function inbound(page: Page, body: string): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound`, {
    data: { from: customer.waId, name: customer.name, message: { type: 'text', text: { body } } },
  });
  expect(r.status(), await r.text()).toBe(200);
}

describe('a dropped network connection, end to end in Chromium', () => {
  it('shows every message that arrived while the connection was down exactly once after it is back', async () => {
    const desk = await newContext(browser);
    const page = desk.page;
    const workspaceId = await setUpOwner(page, server, 'Funkloch GmbH', owner, proxy.url);

    await page.goto(proxy.url);
    await page.getByTestId('inbox-page').waitFor();
    await inbound(page, 'Nachricht 0: vor dem Funkloch');
    const row = page.getByTestId('conversation-row').filter({ hasText: customer.name });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    const bubbles = page.getByTestId('message-bubble');
    await bubbles.filter({ hasText: 'Nachricht 0:' }).waitFor();

    // The connection drops; meanwhile twenty messages arrive.
    proxy.cut();
    const during = Array.from({ length: 20 }, (_, i) => `Nachricht ${i + 1}: während des Funklochs`);
    for (const text of during) await inbound(page, text);
    await page.waitForTimeout(1500);
    expect(await bubbles.filter({ hasText: 'Nachricht 20:' }).count()).toBe(0);

    // Back online: the client reconnects and catches up; then live updates work again.
    proxy.restore();
    await bubbles.filter({ hasText: 'Nachricht 20:' }).waitFor({ timeout: 30_000 });
    await inbound(page, 'Nachricht 21: wieder da');
    await bubbles.filter({ hasText: 'Nachricht 21:' }).waitFor({ timeout: 15_000 });

    const shown = await bubbles.evaluateAll((els) =>
      els.map((el) => ({ id: el.getAttribute('data-message-id'), text: el.textContent ?? '' })),
    );
    for (const text of ['Nachricht 0: vor dem Funkloch', ...during, 'Nachricht 21: wieder da']) {
      expect(
        shown.filter((b) => b.text.includes(text)),
        text,
      ).toHaveLength(1);
    }
    expect(new Set(shown.map((b) => b.id)).size).toBe(shown.length);

    // The view matches the server: the same messages, once each.
    const conversationId = await row.getAttribute('data-conversation-id');
    const api = await page.request.get(
      `${server.url}/api/v1/workspaces/${workspaceId}/conversations/${conversationId}/messages?limit=100`,
    );
    expect(api.status()).toBe(200);
    const stored = ((await api.json()).messages as { id: string }[]).map((m) => m.id).sort();
    expect(shown.map((b) => b.id).sort()).toEqual(stored);
    expect(await page.getByTestId('conversation-row').filter({ hasText: customer.name }).count()).toBe(1);
    await screenshot(page, 'reconnect-01-caught-up');
    expect(desk.problems).toEqual([]);
    await desk.context.close();
  });
});
