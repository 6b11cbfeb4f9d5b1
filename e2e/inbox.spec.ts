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

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const owner = { name: 'Clara Inbox', email: 'clara@inbox-e2e.test', password: 'Sauerteig braucht Zeit 24' };
const erika = { waId: '4915112345678', name: 'Erika Muster' };

type SentItem = {
  id: string;
  wa_id: string;
  type: string;
  body: { text?: { body?: string } };
  status: string;
};

async function inbound(page: Page, data: unknown): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound`, { data });
  expect(r.status(), await r.text()).toBe(200);
}

async function statusOf(page: Page, text: string): Promise<string | null> {
  return page
    .getByTestId('message-bubble')
    .filter({ hasText: text })
    .first()
    .getAttribute('data-status', { timeout: 1000 })
    .catch(() => null);
}

describe('inbox, end to end in Chromium', () => {
  it('a customer writes → live in the inbox → the agent replies once → delivered → read; hostile text stays text', async () => {
    const desk = await newContext(browser);
    const page = desk.page;

    // Setup through the API (the session cookie lands in this browser context).
    await setUpOwner(page, server, 'Konditorei E2E', owner);

    await page.goto(server.url);
    await page.getByTestId('inbox-page').waitFor();
    const phoneLink = page.getByTestId('sandbox-phone-link');
    await phoneLink.waitFor();
    expect(await phoneLink.getAttribute('href')).toBe('/_sandbox/_sim/phone/');
    expect(await phoneLink.getAttribute('target')).toBe('_blank');
    expect(await phoneLink.getAttribute('rel')).toContain('noopener');
    await page.getByText('Write to your sandbox number from the customer phone').first().waitFor();
    await screenshot(page, 'inbox-01-empty');

    // A customer writes: the conversation appears live (no reload).
    await inbound(page, {
      from: erika.waId,
      name: erika.name,
      message: { type: 'text', text: { body: 'Hallo, ist die Torte fertig?' } },
    });
    const row = page.getByTestId('conversation-row').filter({ hasText: erika.name });
    await row.waitFor({ timeout: 15_000 });
    await row.getByText('Hallo, ist die Torte fertig?').waitFor();
    await row.getByTestId('unread-badge').waitFor();
    const conversationId = await row.getAttribute('data-conversation-id');
    expect(conversationId).toBeTruthy();
    expect(await page.title()).toMatch(/^\(1\) /);

    // Open it: the URL carries the id, the message is there and it is marked read.
    await row.click();
    await page.waitForURL(`**/inbox/${conversationId}`);
    await page.getByTestId('message-bubble').filter({ hasText: 'Hallo, ist die Torte fertig?' }).waitFor();
    await row.getByTestId('unread-badge').waitFor({ state: 'detached' });
    await expect.poll(() => page.title()).not.toMatch(/^\(\d+\) /);
    expect(await page.getByTestId('window-indicator').textContent()).toMatch(/Window closes in 2[34] h/);

    // A second message arrives live while the conversation is open.
    await inbound(page, {
      from: erika.waId,
      name: erika.name,
      message: { type: 'location', location: { latitude: 52.52, longitude: 13.4, name: 'Café Berlin' } },
    });
    const map = page.getByRole('link', { name: /Open in OpenStreetMap/ });
    await map.waitFor({ timeout: 15_000 });
    expect(await map.getAttribute('href')).toBe(
      'https://www.openstreetmap.org/?mlat=52.52&mlon=13.4#map=16/52.52/13.4',
    );
    expect(await map.getAttribute('rel')).toBe('noopener noreferrer');

    // A message from a click-to-WhatsApp ad, forwarded: the ad is named and linked, nothing else runs.
    await inbound(page, {
      from: erika.waId,
      name: erika.name,
      message: {
        type: 'text',
        text: { body: 'Ich habe Ihre Anzeige gesehen' },
        context: { forwarded: true },
        referral: {
          source_url: 'https://fb.me/ad-123',
          source_id: '123',
          source_type: 'ad',
          headline: 'Torten <b>zum Fest</b>',
          body: 'Jetzt bestellen',
          media_type: 'image',
          image_url: 'https://example.com/ad.png',
        },
      },
    });
    const adBubble = page.getByTestId('message-bubble').filter({ hasText: 'Ich habe Ihre Anzeige gesehen' });
    await adBubble.waitFor({ timeout: 15_000 });
    const ad = adBubble.getByTestId('message-referral');
    expect(await ad.textContent()).toContain('Torten <b>zum Fest</b>');
    expect(await ad.getByRole('link', { name: 'Open the ad' }).getAttribute('href')).toBe(
      'https://fb.me/ad-123',
    );
    await adBubble.getByText('Forwarded').waitFor();

    // The agent replies with Enter: an optimistic bubble, then the server's message.
    const reply = 'Ja, ab 15 Uhr können Sie sie abholen.';
    const input = page.getByTestId('composer-input');
    await input.fill(reply);
    await input.press('Enter');
    await page.getByTestId('message-bubble').filter({ hasText: reply }).waitFor();
    expect(await input.inputValue()).toBe('');

    // The simulator received it exactly once.
    await expect
      .poll(
        async () => {
          const r = await page.request.get(`${server.url}/_sandbox/_sim/sent?to=${erika.waId}`);
          const sent = (await r.json()) as SentItem[];
          return sent.filter((m) => m.body?.text?.body === reply).length;
        },
        { timeout: 15_000 },
      )
      .toBe(1);

    // Delivered (ticks), then the customer reads it.
    await expect.poll(() => statusOf(page, reply), { timeout: 15_000 }).toBe('delivered');
    const bubble = page.getByTestId('message-bubble').filter({ hasText: reply });
    expect(await bubble.getAttribute('data-message-id')).not.toMatch(/^optimistic-/);
    expect(await bubble.getByRole('img', { name: 'Delivered' }).count()).toBe(1);
    await screenshot(page, 'inbox-02-delivered');
    const read = await page.request.post(`${server.url}/_sandbox/_sim/customers/${erika.waId}/read`, {
      data: {},
    });
    expect(read.status(), await read.text()).toBe(200);
    await expect.poll(() => statusOf(page, reply), { timeout: 15_000 }).toBe('read');
    expect(await page.getByTestId('message-bubble').filter({ hasText: reply }).count()).toBe(1);

    // Reply to the customer's first message (hover action) and send with Ctrl+Enter.
    const first = page
      .getByTestId('message-bubble')
      .filter({ hasText: 'Hallo, ist die Torte fertig?' })
      .and(page.locator('.inbox-row-in'));
    const firstWamid = await first.getAttribute('data-provider-id');
    expect(firstWamid).toMatch(/^wamid\./);
    await first.hover();
    await first.getByRole('button', { name: 'Reply' }).click();
    const quoted = 'Gern, bis später!';
    await input.fill(quoted);
    await input.press('Control+Enter');
    const quotedBubble = page.getByTestId('message-bubble').filter({ hasText: quoted });
    await quotedBubble.waitFor();
    await quotedBubble.getByRole('button', { name: /Hallo, ist die Torte fertig\?/ }).waitFor();
    await expect
      .poll(
        async () => {
          const r = await page.request.get(`${server.url}/_sandbox/_sim/sent?to=${erika.waId}`);
          const sent = (await r.json()) as (SentItem & { body: { context?: { message_id?: string } } })[];
          return sent.find((m) => m.body?.text?.body === quoted)?.body.context?.message_id ?? null;
        },
        { timeout: 15_000 },
      )
      .toBe(firstWamid);

    // Hostile input: texts and profile names are shown as text, nothing runs.
    const hostileName = '<b>Bold</b> \u202Egnp.exe <img src=x onerror=alert(2)>';
    const corpus = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      'javascript:alert(1)',
      '<a href="javascript:alert(1)">click</a>',
      'RTL \u202Etxt.exe\u202C end',
    ];
    for (const body of corpus) {
      await inbound(page, {
        from: '4917000000001',
        name: hostileName,
        message: { type: 'text', text: { body } },
      });
    }
    const hostileRow = page
      .getByTestId('conversation-row')
      .filter({ has: page.getByText('<b>Bold</b>', { exact: false }) });
    await hostileRow.waitFor({ timeout: 15_000 });
    await hostileRow.click();
    for (const body of corpus) {
      await page.getByTestId('message-bubble').filter({ hasText: body }).first().waitFor();
    }
    const heading = page.getByRole('heading', { level: 2 }).first();
    expect(await heading.textContent()).toContain('<b>Bold</b>');
    expect(await page.locator('main img[src="x"], main script, main b').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.waitForTimeout(300);
    await screenshot(page, 'inbox-03-hostile');

    // Resolve and reopen.
    await page.getByTestId('resolve-button').click();
    await expect.poll(() => page.getByTestId('resolve-button').getAttribute('data-action')).toBe('reopen');
    await page.getByTestId('resolve-button').click();
    await expect.poll(() => page.getByTestId('resolve-button').getAttribute('data-action')).toBe('resolve');

    // Keyboard: j/k (or arrows) move between rows, Enter opens.
    const rows = page.getByTestId('conversation-row');
    await expect.poll(() => rows.count()).toBe(2);
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-conversation-id')));
    const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'));
    await rows.first().focus();
    await page.keyboard.press('j');
    expect(await focusedId()).toBe(ids[1]);
    await page.keyboard.press('k');
    expect(await focusedId()).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/inbox/${ids[1]}`);
    await page.getByTestId('message-bubble').first().waitFor();

    expect(desk.problems).toEqual([]);

    // The same inbox on a 390 px phone: the list, then one conversation with a back button.
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
    const signIn = await phone.page.request.post(`${server.url}/api/v1/sessions`, {
      data: { email: owner.email, password: owner.password },
    });
    expect(signIn.status(), await signIn.text()).toBeLessThan(300);
    await phone.page.goto(server.url);
    await phone.page.getByTestId('inbox-page').waitFor();
    await phone.page
      .getByTestId('conversation-row')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(async (error) => {
        await screenshot(phone.page, 'inbox-04-phone-list-failed');
        throw error;
      });
    // Everything was read on the desktop: no unread badge is left.
    expect(await phone.page.getByTestId('unread-badge').count()).toBe(0);
    await screenshot(phone.page, 'inbox-04-phone-list');
    await phone.page.getByTestId('conversation-row').filter({ hasText: erika.name }).click();
    await phone.page.getByTestId('message-bubble').filter({ hasText: reply }).waitFor();
    expect(await phone.page.getByTestId('conversation-row').count()).toBe(0);
    await phone.page.waitForTimeout(300);
    await screenshot(phone.page, 'inbox-05-phone-conversation');
    await phone.page.getByTestId('conversation-back').click();
    await phone.page.getByTestId('conversation-row').first().waitFor();

    expect(phone.problems).toEqual([]);
    await phone.context.close();
    await desk.context.close();
  });
});
