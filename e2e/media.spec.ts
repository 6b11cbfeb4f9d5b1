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

// Media in bubbles, reactions, a failed send with Retry, the read-receipts setting, the templates row
// and the search box — through the real server and the sandbox simulator.

let server: RunningServer;
let browser: Browser;
let desk: Awaited<ReturnType<typeof newContext>>;
let page: Page;
let workspaceId = '';

const owner = { name: 'Mara Media', email: 'mara@media-e2e.test', password: 'Brezeln brauchen Lauge 24' };
const erika = { waId: '4915112340001', name: 'Erika Bildner' };
const jonas = { waId: '4915112340002', name: 'Jonas Beispiel' };
const hostileFilename = '"><img src=x onerror=alert(1)>.pdf';

type SentItem = {
  id: string;
  wa_id: string;
  type: string;
  body: { text?: { body?: string }; reaction?: { message_id?: string; emoji?: string } };
  status: string;
};

async function inbound(data: unknown): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound?wait=true`, { data });
  expect(r.status(), await r.text()).toBe(200);
}

async function sentTo(waId: string): Promise<SentItem[]> {
  const r = await page.request.get(`${server.url}/_sandbox/_sim/sent?to=${waId}`);
  expect(r.status()).toBe(200);
  return (await r.json()) as SentItem[];
}

async function simCustomer(data: Record<string, unknown>): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/customers`, { data });
  expect(r.status(), await r.text()).toBe(200);
}

const bubbles = () => page.getByTestId('message-bubble');
const row = (name: string) => page.getByTestId('conversation-row').filter({ hasText: name });

async function openConversation(name: string): Promise<void> {
  await row(name).first().waitFor({ timeout: 15_000 });
  await row(name).first().click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}

async function statusOf(text: string): Promise<string | null> {
  return bubbles()
    .filter({ hasText: text })
    .last()
    .getAttribute('data-status', { timeout: 1000 })
    .catch(() => null);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  desk = await newContext(browser);
  page = desk.page;
  await setUpOwner(page, server, 'Bäckerei Medien', owner);
  await page.goto(server.url);
  await page.getByTestId('inbox-page').waitFor();
  workspaceId = /\/w\/([^/]+)\/inbox/.exec(page.url())?.[1] ?? '';
  expect(workspaceId).toBeTruthy();
  await page.getByTestId('sandbox-phone-link').waitFor();
});

afterAll(async () => {
  await desk?.context.close();
  await browser?.close();
  await server?.stop();
});

describe('media, reactions, retries, settings and search in Chromium', () => {
  it('shows an inbound image, a voice note and a document with a hostile name; downloads are attachments', async () => {
    await inbound({
      from: erika.waId,
      name: erika.name,
      message: { type: 'text', text: { body: 'Guten Morgen, hier sind die Unterlagen' } },
    });
    await inbound({
      from: erika.waId,
      name: erika.name,
      message: { type: 'image', image: { caption: 'Die Hochzeitstorte von oben' } },
    });
    await inbound({ from: erika.waId, name: erika.name, message: { type: 'audio', audio: { voice: true } } });
    await inbound({
      from: erika.waId,
      name: erika.name,
      message: { type: 'document', document: { filename: hostileFilename, caption: 'Das Angebot' } },
    });
    await inbound({ from: erika.waId, name: erika.name, message: { type: 'sticker', sticker: {} } });
    await inbound({
      from: erika.waId,
      name: erika.name,
      message: { type: 'video', video: { caption: 'So sieht die Backstube aus' } },
    });
    await openConversation(erika.name);

    // The picture: a same-origin URL that really loads.
    const image = page.getByTestId('media-image').first();
    await image.waitFor({ timeout: 20_000 });
    expect(await image.getAttribute('alt')).toBe('Die Hochzeitstorte von oben');
    const imageSrc = (await image.getAttribute('src')) ?? '';
    expect(imageSrc).toMatch(new RegExp(`^/api/v1/workspaces/${workspaceId}/media/`));
    await expect
      .poll(() => image.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // Opens large, with a download link.
    await page.getByRole('button', { name: /Enlarge: Die Hochzeitstorte von oben/ }).click();
    const large = page.getByTestId('lightbox-image');
    await large.waitFor();
    await expect
      .poll(() => large.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.getByRole('dialog').getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(
      imageSrc,
    );
    await screenshot(page, 'media-01a-lightbox');
    await page.keyboard.press('Escape');
    await large.waitFor({ state: 'detached' });

    // The voice note: a player whose source answers with audio (ranges too).
    const voice = page.getByTestId('media-audio').first();
    await voice.getByText('Voice message').waitFor();
    const audioSrc = (await voice.locator('audio').getAttribute('src')) ?? '';
    expect(audioSrc).toMatch(new RegExp(`^/api/v1/workspaces/${workspaceId}/media/`));
    expect(await voice.locator('audio').getAttribute('preload')).toBe('metadata');
    const audio = await page.request.get(`${server.url}${audioSrc}`, { headers: { Range: 'bytes=0-99' } });
    expect([200, 206]).toContain(audio.status());
    expect(audio.headers()['content-type']).toMatch(/^audio\//);

    // A sticker is a small picture; a video gets a player that loads only its metadata.
    const sticker = page.getByTestId('media-sticker').first();
    await sticker.waitFor({ timeout: 15_000 });
    expect(await sticker.getAttribute('src')).toMatch(
      new RegExp(`^/api/v1/workspaces/${workspaceId}/media/`),
    );
    const video = page.getByTestId('media-video').first();
    await video.waitFor({ timeout: 15_000 });
    expect(await video.getAttribute('preload')).toBe('metadata');
    expect(await video.getAttribute('aria-label')).toBe('So sieht die Backstube aus');
    const videoFile = await page.request.get(`${server.url}${await video.getAttribute('src')}`, {
      headers: { Range: 'bytes=0-9' },
    });
    expect(videoFile.status()).toBe(206);
    expect(videoFile.headers()['content-type']).toMatch(/^video\//);

    // The document: the hostile name is text, the link downloads as an attachment.
    const doc = page.getByTestId('media-document').first();
    await doc.waitFor();
    // The server shows (and serves) a cleaned name; the markup in it stays visible text.
    const shownName = (await doc.getByTestId('media-filename').textContent()) ?? '';
    expect(shownName).toContain('img src=x onerror=alert(1)');
    expect(shownName).toMatch(/\.pdf$/);
    await bubbles().filter({ hasText: 'Das Angebot' }).first().waitFor();
    expect(await page.locator('main img[src="x"]').count()).toBe(0);
    const link = doc.getByRole('link', { name: `Download ${shownName}` });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^/api/v1/workspaces/${workspaceId}/media/`));
    expect(await link.getAttribute('download')).not.toBeNull();
    const file = await page.request.get(`${server.url}${href}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-disposition']).toMatch(/^attachment/);
    expect(file.headers()['x-content-type-options']).toBe('nosniff');
    expect(file.headers()['content-security-policy']).toMatch(/sandbox/);

    await page.waitForTimeout(300);
    await screenshot(page, 'media-01-bubbles');
    expect(desk.problems).toEqual([]);
  });

  it('shows Downloading… while a file comes in, why one could not be downloaded, and an unknown outcome without resend', async () => {
    await openConversation(erika.name);
    // A slow WhatsApp: the picture is announced first and downloaded later.
    const slow = await page.request.post(`${server.url}/_sandbox/_sim/faults`, {
      data: { api: { slow: 1, slowMs: 2500 } },
    });
    expect(slow.status(), await slow.text()).toBe(200);
    await inbound({
      from: erika.waId,
      name: erika.name,
      message: { type: 'image', image: { caption: 'Noch eine' } },
    });
    const later = bubbles().filter({ hasText: 'Noch eine' });
    await later.getByText('Downloading…').waitFor({ timeout: 10_000 });
    await screenshot(page, 'media-01b-downloading');
    await page.request.post(`${server.url}/_sandbox/_sim/faults`, { data: {} });
    await later.getByTestId('media-image').waitFor({ timeout: 20_000 });

    // States the simulator cannot produce quickly, injected into the server's answer (the rendering is
    // what is tested here): a download that failed for good, and a send whose outcome is unknown.
    const messagesUrl = `**/api/v1/workspaces/${workspaceId}/conversations/*/messages?*`;
    await page.route(messagesUrl, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as {
        messages: {
          text: string | null;
          direction: string;
          status: string;
          retryable: boolean;
          media: Record<string, unknown> | null;
        }[];
      };
      for (const m of body.messages) {
        if (m.text === 'Noch eine' && m.media) {
          m.media = {
            ...m.media,
            status: 'failed',
            url: null,
            error: 'WhatsApp no longer has this file (media ids expire after 7 days).',
          };
        }
        if (m.text === 'Ja, die Unterlagen sind angekommen.') {
          m.status = 'unknown';
          m.retryable = false;
        }
      }
      await route.fulfill({ response, json: body });
    });
    const input = page.getByTestId('composer-input');
    await input.fill('Ja, die Unterlagen sind angekommen.');
    await input.press('Enter');
    await expect
      .poll(() => statusOf('Ja, die Unterlagen sind angekommen.'), { timeout: 15_000 })
      .toBe('delivered');
    await page.reload();
    const refused = bubbles().filter({ hasText: 'Noch eine' });
    await refused.getByText('Could not be downloaded').waitFor({ timeout: 15_000 });
    await refused.getByText('WhatsApp no longer has this file').waitFor();
    expect(await refused.locator('img').count()).toBe(0);
    const unknown = bubbles().filter({ hasText: 'Ja, die Unterlagen sind angekommen.' });
    await unknown.getByText('May have been sent — WhatsApp will confirm.').waitFor();
    expect(await unknown.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await screenshot(page, 'media-01c-failed-and-unknown');
    await page.unroute(messagesUrl);
    await page.reload();
    await bubbles().filter({ hasText: 'Noch eine' }).getByTestId('media-image').waitFor({ timeout: 15_000 });
    expect(desk.problems).toEqual([]);
  });

  it('reacts 👍 to a customer message, shows it and removes it again', async () => {
    await openConversation(erika.name);
    const target = bubbles()
      .filter({ hasText: 'Guten Morgen, hier sind die Unterlagen' })
      .and(page.locator('.inbox-row-in'));
    const wamid = await target.getAttribute('data-provider-id');
    expect(wamid).toMatch(/^wamid\./);

    await target.hover();
    await target.getByRole('button', { name: 'React' }).click();
    await page.getByRole('menuitem', { name: 'Thumbs up' }).click();
    await expect.poll(() => target.getByTestId('reactions').textContent()).toContain('👍');
    await expect
      .poll(
        async () =>
          (await sentTo(erika.waId)).some(
            (m) =>
              m.type === 'reaction' &&
              m.body.reaction?.message_id === wamid &&
              m.body.reaction?.emoji === '👍',
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    await screenshot(page, 'media-02-reaction');

    // Keyboard: the menu opens on the focused action and offers to remove ours.
    await target.getByRole('button', { name: 'React' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Thumbs up (your reaction)' }).waitFor();
    await screenshot(page, 'media-02a-reaction-menu');
    await page.getByRole('menuitem', { name: 'Remove reaction' }).click();
    await target.getByTestId('reactions').waitFor({ state: 'detached' });
    await expect
      .poll(
        async () =>
          (await sentTo(erika.waId)).some(
            (m) =>
              m.type === 'reaction' && m.body.reaction?.message_id === wamid && m.body.reaction?.emoji === '',
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(desk.problems).toEqual([]);
  });

  it('explains a failed send and, once the cause is gone, Retry delivers it', async () => {
    await openConversation(erika.name);
    // The simulator makes the number undeliverable: WhatsApp accepts, then reports 131026.
    await simCustomer({ wa_id: erika.waId, not_on_whatsapp: true });
    const text = 'Die Torte ist um 15 Uhr fertig.';
    const input = page.getByTestId('composer-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => statusOf(text), { timeout: 20_000 }).toBe('failed');
    const bubble = bubbles().filter({ hasText: text }).last();
    expect(await bubble.getByTestId('failure-explanation').textContent()).toBe(
      'The message could not be delivered: the number may not use WhatsApp or has an outdated app.',
    );
    await bubble.getByText('Error code 131026').waitFor();
    const retry = bubble.getByRole('button', { name: 'Retry' });
    await retry.waitFor();
    await screenshot(page, 'media-03-failed');

    await simCustomer({ wa_id: erika.waId, not_on_whatsapp: false });
    await retry.click();
    await expect.poll(() => statusOf(text), { timeout: 20_000 }).toMatch(/^(pending|sent|delivered|read)$/);
    await expect.poll(() => statusOf(text), { timeout: 20_000 }).toMatch(/^(delivered|read)$/);
    await bubble.getByTestId('delivery-failed').waitFor({ state: 'detached' });
    expect(await bubbles().filter({ hasText: text }).count()).toBe(1);
    // Sent twice to the simulator: the refused attempt and the retry, which was delivered.
    const attempts = (await sentTo(erika.waId)).filter((m) => m.body.text?.body === text);
    expect(attempts.length).toBe(2);
    expect(attempts[1]?.status).toMatch(/^(delivered|read)$/);
    expect(desk.problems).toEqual([]);
  });

  it('saves the read-receipts switch at once and keeps it after a reload; shows the templates row', async () => {
    await page.goto(`${server.url}/w/${workspaceId}/settings/workspace`);
    const receipts = page.getByRole('switch', { name: 'Send read receipts to customers' });
    await receipts.waitFor();
    expect(await receipts.isChecked()).toBe(false);
    await receipts.click({ force: true });
    await page.getByText('Customers now get read receipts.').waitFor();
    await screenshot(page, 'media-04-workspace-settings');
    await page.reload();
    await receipts.waitFor();
    await expect.poll(() => receipts.isChecked()).toBe(true);
    const details = await page.request.get(`${server.url}/api/v1/workspaces/${workspaceId}`);
    expect(((await details.json()) as { sendReadReceipts: boolean }).sendReadReceipts).toBe(true);

    // An agent sees the setting, read-only.
    const invite = await page.request.post(`${server.url}/api/v1/workspaces/${workspaceId}/invites`, {
      data: { role: 'agent', email: 'anton@media-e2e.test' },
    });
    expect(invite.status(), await invite.text()).toBeLessThan(300);
    const { token } = (await invite.json()) as { token: string };
    const agent = await newContext(browser);
    const accepted = await agent.page.request.post(`${server.url}/api/v1/invites/${token}/accept`, {
      data: { name: 'Anton Agent', email: 'anton@media-e2e.test', password: 'Mohnschnecken sind rund 7' },
    });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await agent.page.goto(`${server.url}/w/${workspaceId}/settings/workspace`);
    const agentSwitch = agent.page.getByRole('switch', { name: 'Send read receipts to customers' });
    await agentSwitch.waitFor();
    expect(await agentSwitch.isChecked()).toBe(true);
    expect(await agentSwitch.isDisabled()).toBe(true);
    await agent.page.getByText('It is on. Only owners and admins can change this.').waitFor();
    expect(await agent.page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await screenshot(agent.page, 'media-04a-workspace-settings-agent');
    expect(agent.problems).toEqual([]);
    await agent.context.close();

    await page.goto(`${server.url}/w/${workspaceId}/settings/channels`);
    const templates = page.getByTestId('channel-templates').first();
    await templates.waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText(/templates? synced from WhatsApp/).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => templates.getByTestId('channel-templates-status').textContent())
      .toMatch(/^Templates: \d+ approved · synced /);
    await screenshot(page, 'media-05-channels-settings');
    expect(desk.problems).toEqual([]);
  });

  it('finds conversations by a word of a message and by the name; shows the empty state for nonsense', async () => {
    await inbound({
      from: jonas.waId,
      name: jonas.name,
      message: { type: 'text', text: { body: 'Haben Sie noch Franzbrötchen vorrätig?' } },
    });
    await page.goto(`${server.url}/w/${workspaceId}/inbox`);
    await row(jonas.name).waitFor({ timeout: 15_000 });
    await row(erika.name).waitFor();

    // `/` focuses the search box from the inbox.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('/');
    const search = page.getByRole('textbox', { name: 'Search conversations' });
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);

    await search.fill('Franzbrötchen');
    await expect.poll(() => page.getByTestId('conversation-row').count(), { timeout: 10_000 }).toBe(1);
    await row(jonas.name).waitFor();
    await screenshot(page, 'media-06-search');

    await search.fill('Bildner');
    await expect.poll(() => page.getByTestId('conversation-row').count(), { timeout: 10_000 }).toBe(1);
    await row(erika.name).waitFor();

    await search.fill('xqzvwyk');
    const empty = page.getByTestId('search-empty');
    await empty.waitFor({ timeout: 10_000 });
    expect(await empty.textContent()).toContain('No conversations match');
    expect(await empty.textContent()).toContain('“xqzvwyk”');
    await screenshot(page, 'media-06a-search-empty');

    // Escape clears; both conversations are back.
    await search.press('Escape');
    expect(await search.inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('conversation-row').count(), { timeout: 10_000 }).toBe(2);

    // The search works within the status tab: nothing resolved matches.
    await search.fill('Franzbrötchen');
    await page.getByTestId('status-tab-resolved').click();
    await empty.waitFor({ timeout: 10_000 });
    await page.getByTestId('status-tab-open').click();
    await row(jonas.name).waitFor({ timeout: 10_000 });
    await page.getByTestId('search-clear').click();
    expect(await search.inputValue()).toBe('');
    expect(desk.problems).toEqual([]);
  });

  it('looks right in dark mode, on a phone and in German', async () => {
    await page.goto(`${server.url}/w/${workspaceId}/inbox`);
    await openConversation(erika.name);
    await page.getByTestId('media-image').first().waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(400);
    await screenshot(page, 'media-07-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
    const signIn = await phone.page.request.post(`${server.url}/api/v1/sessions`, {
      data: { email: owner.email, password: owner.password },
    });
    expect(signIn.status(), await signIn.text()).toBeLessThan(300);
    const locale = await phone.page.request.patch(`${server.url}/api/v1/me`, { data: { locale: 'de' } });
    expect(locale.status(), await locale.text()).toBe(200);
    await phone.page.goto(`${server.url}/w/${workspaceId}/inbox`);
    await phone.page.getByRole('textbox', { name: 'Unterhaltungen durchsuchen' }).waitFor();
    await phone.page.getByTestId('conversation-row').filter({ hasText: erika.name }).waitFor();
    // A photo without a caption: the list's preview label is shown in German.
    await inbound({ from: '4915112340009', name: 'Lena Fotografin', message: { type: 'image', image: {} } });
    await phone.page
      .getByTestId('conversation-row')
      .filter({ hasText: 'Lena Fotografin' })
      .getByText('📷 Foto', { exact: true })
      .waitFor();
    await screenshot(phone.page, 'media-08-phone-list-de');
    await phone.page.getByTestId('conversation-row').filter({ hasText: erika.name }).click();
    await phone.page.getByTestId('media-image').first().waitFor();
    await phone.page.getByText('Sprachnachricht').first().waitFor();
    await phone.page.waitForTimeout(500);
    await screenshot(phone.page, 'media-09-phone-conversation-de');
    await phone.page.emulateMedia({ colorScheme: 'dark' });
    await phone.page.waitForTimeout(400);
    await screenshot(phone.page, 'media-10-phone-conversation-de-dark');
    await phone.page.goto(`${server.url}/w/${workspaceId}/settings/workspace`);
    await phone.page.getByRole('switch', { name: 'Lesebestätigungen an Kunden senden' }).waitFor();
    await screenshot(phone.page, 'media-11-phone-settings-de-dark');
    await phone.page.goto(`${server.url}/w/${workspaceId}/settings/channels`);
    await phone.page.getByRole('button', { name: 'Jetzt abgleichen' }).waitFor();
    await phone.page.getByText(/^Vorlagen: \d+ genehmigt · abgeglichen /).waitFor();
    await screenshot(phone.page, 'media-12-phone-channels-de-dark');
    expect(phone.problems).toEqual([]);
    await phone.context.close();

    // Back to English for anyone reusing this account.
    await page.request.patch(`${server.url}/api/v1/me`, { data: { locale: 'en' } });
    expect(desk.problems).toEqual([]);
  });
});
