import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  type RunningServer,
  screenshot,
  setUpOwner,
  startServer,
} from './harness.js';

// The composer through the real server and the sandbox simulator: text with a link preview, images
// (file picker, paste, drop), files refused before upload, emoji, ticks to "read"; then a conversation
// whose 24-hour window is closed gets a template with a live preview.

let server: RunningServer;
let browser: Browser;

const owner = {
  name: 'Ines Vorlage',
  email: 'ines@composer-e2e.test',
  password: 'Laugenbrezel mit Butter 7',
};
const erika = { waId: '4915112349001', name: 'Erika Komponist' };
const max = { waId: '4915112349002', name: 'Max Gestern' };
const hostile = '<img src=x onerror=alert(1)>';

type SentItem = {
  id: string;
  wa_id: string;
  type: string;
  body: {
    text?: { body?: string; preview_url?: boolean };
    image?: { id?: string; caption?: string };
    document?: { id?: string; filename?: string };
    template?: {
      name?: string;
      language?: { code?: string };
      components?: { type: string; parameters: Record<string, unknown>[] }[];
    };
  };
  status: string;
};

/** A real PNG (8-bit RGB) of w×h pixels: noise (large, for a visible upload) or one colour. */
function png(width: number, height: number, noise = false): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = noise ? crypto.randomBytes(width * 3) : Buffer.alloc(width * 3);
    if (!noise) for (let x = 0; x < width; x++) row.set([0x12, 0x96, 0x88], x * 3);
    rows.push(Buffer.concat([Buffer.from([0]), row]));
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function sentTo(page: Page, waId: string): Promise<SentItem[]> {
  const r = await page.request.get(`${server.url}/_sandbox/_sim/sent?to=${waId}`);
  expect(r.status()).toBe(200);
  return (await r.json()) as SentItem[];
}

async function inbound(page: Page, data: unknown): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound?wait=true`, { data });
  expect(r.status(), await r.text()).toBe(200);
}

async function setClock(page: Page, at: number): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/clock`, { data: { set: at } });
  expect(r.status(), await r.text()).toBe(200);
}

/** Files as a DataTransfer in the page (for paste and drop events). */
async function dataTransfer(page: Page, files: { name: string; type: string; data: Buffer }[]) {
  return page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.data.toString('base64') })),
  );
}

async function statusOf(bubble: Locator): Promise<string | null> {
  return bubble.getAttribute('data-status', { timeout: 1000 }).catch(() => null);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('composer, end to end in Chromium', () => {
  it('text with link preview, images by picker / paste / drop, refusals, emoji, ticks; closed window → template', async () => {
    const desk = await newContext(browser);
    const page = desk.page;
    await setUpOwner(page, server, 'Bäckerei Komposition', owner);
    await page.goto(server.url);
    await page.getByTestId('inbox-page').waitFor();
    await page.getByTestId('sandbox-phone-link').waitFor();
    const uploads: string[] = [];
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !/^(blob|data):/.test(r.url())) external.push(r.url());
      if (r.method() === 'POST' && /\/api\/v1\/workspaces\/[^/]+\/media$/.test(r.url()))
        uploads.push(r.url());
    });

    // The customer writes; the agent sees it live and opens it.
    await inbound(page, {
      from: erika.waId,
      name: erika.name,
      message: { type: 'text', text: { body: 'Haben Sie heute Brezeln?' } },
    });
    const erikaRow = page.getByTestId('conversation-row').filter({ hasText: erika.name });
    await erikaRow.waitFor({ timeout: 15_000 });
    await erikaRow.click();
    await page.getByTestId('message-bubble').filter({ hasText: 'Haben Sie heute Brezeln?' }).waitFor();
    const input = page.getByTestId('composer-input');

    // Text with a link: the preview toggle appears and sends preview_url.
    const linkText = 'Ja! Die Karte: https://example.com/karte';
    await input.fill('Ja! Die Karte:');
    expect(await page.getByTestId('link-preview-toggle').count()).toBe(0);
    await input.fill(linkText);
    await page.getByRole('switch', { name: 'Show link preview' }).check();
    expect(await page.getByRole('switch', { name: 'Show link preview' }).isChecked()).toBe(true);
    await input.press('Enter');
    await page.getByTestId('message-bubble').filter({ hasText: linkText }).waitFor();
    await expect
      .poll(
        async () => (await sentTo(page, erika.waId)).find((m) => m.body.text?.body === linkText)?.body.text,
      )
      .toEqual({ body: linkText, preview_url: true });

    // Emoji at the caret; Escape closes the picker and gives the focus back to the field.
    await input.fill('Frische  heute');
    await input.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(8, 8));
    await page.getByTestId('emoji-button').click();
    const picker = page.locator('em-emoji-picker');
    await picker.locator('input[type="search"]').waitFor({ timeout: 15_000 });
    await picker.locator('input[type="search"]').fill('pretzel');
    await picker.locator('button[aria-label="🥨"]').first().click();
    await expect.poll(() => input.inputValue()).toBe('Frische 🥨 heute');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-input',
    );
    await page.getByTestId('emoji-button').click();
    await picker.locator('input[type="search"]').waitFor();
    await page.waitForTimeout(200);
    await screenshot(page, 'composer-01-emoji-en-light');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-input',
    );
    await input.fill('');

    // Refused before any upload: too large and a type WhatsApp does not take, explained in plain words.
    const fileInput = page.getByTestId('composer-file-input');
    await fileInput.setInputFiles([
      { name: 'riesig.png', mimeType: 'image/png', buffer: Buffer.alloc(Math.round(7.2 * 1024 * 1024), 1) },
      { name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') },
    ]);
    const refusals = page.getByTestId('attachment-refusal');
    await expect.poll(() => refusals.count()).toBe(2);
    expect(await refusals.nth(0).textContent()).toContain(
      "riesig.png can't be sent. Images can be at most 5 MB; this one is 7.2 MB.",
    );
    expect(await refusals.nth(1).textContent()).toContain('WhatsApp does not accept .exe files.');
    expect(await page.getByTestId('attachment').count()).toBe(0);
    await screenshot(page, 'composer-02-refused-en-light');
    expect(uploads).toEqual([]);

    // An image through the file picker, with visible upload progress (the upload is throttled), a caption.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    await fileInput.setInputFiles({ name: 'brezel.png', mimeType: 'image/png', buffer: png(256, 256, true) });
    expect(await refusals.count()).toBe(0);
    const tray = page.getByTestId('attachment');
    await tray.first().waitFor();
    const progress = page.getByRole('progressbar', { name: 'Uploading brezel.png' });
    await progress.waitFor();
    await expect
      .poll(async () => Number((await progress.getAttribute('aria-valuenow').catch(() => '0')) ?? 0), {
        timeout: 10_000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    expect(await tray.first().locator('img').getAttribute('src')).toMatch(/^blob:/);
    // A second file, cancelled while it uploads.
    await fileInput.setInputFiles({
      name: 'abbrechen.png',
      mimeType: 'image/png',
      buffer: png(128, 128, true),
    });
    await expect.poll(() => tray.count()).toBe(2);
    await page.getByRole('button', { name: 'Cancel the upload of abbrechen.png' }).click();
    await expect.poll(() => tray.count()).toBe(1);
    await screenshot(page, 'composer-03-uploading-en-light');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await expect.poll(() => tray.first().getAttribute('data-status'), { timeout: 30_000 }).toBe('uploaded');
    // The live region is written after the tray's status (a render later): poll it too.
    await expect
      .poll(() => page.getByTestId('attachment-live').textContent(), { timeout: 10_000 })
      .toContain('brezel.png is uploaded');
    await page.getByRole('textbox', { name: 'Caption for brezel.png' }).fill('Frisch aus dem Ofen');
    await input.fill('Bis gleich!');
    await screenshot(page, 'composer-04-tray-en-light');
    await input.press('Enter');
    await page.getByTestId('message-bubble').filter({ hasText: 'Frisch aus dem Ofen' }).waitFor();
    await page.getByTestId('message-bubble').filter({ hasText: 'Bis gleich!' }).waitFor();
    expect(await tray.count()).toBe(0);

    // An image pasted into the field.
    await input.focus();
    const pasted = await dataTransfer(page, [{ name: 'paste.png', type: 'image/png', data: png(48, 48) }]);
    await input.evaluate(
      (el, dt) =>
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })),
      pasted,
    );
    await tray.first().waitFor();
    expect(await tray.first().textContent()).toContain('paste.png');
    await expect.poll(() => tray.first().getAttribute('data-status'), { timeout: 15_000 }).toBe('uploaded');
    await page.getByTestId('composer-send').click();
    await expect.poll(() => tray.count(), { timeout: 15_000 }).toBe(0);

    // The server refuses a file whose bytes are not what its type says: its reason is shown at the file,
    // and sending keeps what was typed.
    await input.fill('Noch da?');
    await fileInput.setInputFiles({
      name: 'falsch.png',
      mimeType: 'image/png',
      buffer: Buffer.from('kein PNG'),
    });
    await page.getByTestId('attachment-error').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('attachment-error').textContent()).toBe(
      'Upload failed: WhatsApp does not accept this file type, or the file is not what its type says.',
    );
    await input.press('Enter');
    await page.getByText('Not everything could be sent').waitFor();
    expect(await input.inputValue()).toBe('Noch da?');
    await page.getByRole('button', { name: 'Remove falsch.png' }).click();
    await expect.poll(() => tray.count()).toBe(0);
    expect(await page.getByText('Not everything could be sent').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-input',
    );
    await input.fill('');

    // A document and an image dropped on the conversation: an overlay, then one message each, in order.
    const pane = page.locator('section.inbox-conversation');
    const dropped = await dataTransfer(page, [
      { name: 'karte.pdf', type: 'application/pdf', data: pdf },
      { name: 'theke.png', type: 'image/png', data: png(64, 40) },
    ]);
    await pane.dispatchEvent('dragenter', { dataTransfer: dropped });
    await pane.dispatchEvent('dragover', { dataTransfer: dropped });
    await page.getByTestId('drop-overlay').waitFor();
    await screenshot(page, 'composer-05-drop-en-light');
    await pane.dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await expect.poll(() => tray.count()).toBe(2);
    expect(await tray.nth(0).textContent()).toContain('karte.pdf');
    await page.getByRole('textbox', { name: 'Caption for theke.png' }).fill('Unsere Theke');
    await page.getByRole('textbox', { name: 'Caption for theke.png' }).press('Enter');
    await expect.poll(() => tray.count(), { timeout: 15_000 }).toBe(0);

    // The simulator received the text and every file, each as its own message. (WhatsApp's order of
    // arrival is not guaranteed, and the server sends in parallel: media needs a Graph upload first.)
    const expected = [
      `text:${linkText}`,
      'image:Frisch aus dem Ofen',
      'text:Bis gleich!',
      'image:',
      'document:',
      'image:Unsere Theke',
    ];
    await expect
      .poll(
        async () =>
          (await sentTo(page, erika.waId))
            .map((m) =>
              m.type === 'text' ? `text:${m.body.text?.body}` : `${m.type}:${m.body.image?.caption ?? ''}`,
            )
            .sort(),
        { timeout: 20_000 },
      )
      .toEqual([...expected].sort());
    // In the conversation they stand in the order they were sent from the tray.
    const order = await page
      .getByTestId('message-bubble')
      .evaluateAll((els) => els.map((el) => el.textContent ?? ''));
    const at = (needle: string) => order.findIndex((text) => text.includes(needle));
    expect(at('Frisch aus dem Ofen')).toBeLessThan(at('Bis gleich!'));
    expect(at('Bis gleich!')).toBeLessThan(at('karte.pdf'));
    expect(at('karte.pdf')).toBeLessThan(at('Unsere Theke'));
    // brezel, abbrechen (cancelled), paste, falsch (refused by the server), karte, theke.
    expect(uploads).toHaveLength(6);
    const sentImages = (await sentTo(page, erika.waId)).filter((m) => m.type === 'image');
    for (const m of sentImages) expect(m.body.image?.id).toBeTruthy();

    // Ticks: delivered, then the customer reads → read.
    const imageBubble = page.getByTestId('message-bubble').filter({ hasText: 'Frisch aus dem Ofen' });
    await expect.poll(() => statusOf(imageBubble), { timeout: 20_000 }).toBe('delivered');
    const read = await page.request.post(`${server.url}/_sandbox/_sim/customers/${erika.waId}/read`, {
      data: {},
    });
    expect(read.status(), await read.text()).toBe(200);
    await expect.poll(() => statusOf(imageBubble), { timeout: 20_000 }).toBe('read');
    await expect
      .poll(() => statusOf(page.getByTestId('message-bubble').filter({ hasText: 'Bis gleich!' })))
      .toBe('read');

    // "Send a template" from the open composer: a dialog; Escape closes it.
    await page.getByTestId('template-button').click();
    const dialog = page.getByRole('dialog', { name: 'Send a template' });
    await dialog.getByTestId('template-option').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'composer-15-template-dialog-en-light');
    expect(await dialog.getByTestId('template-search').evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    // order_shipped in the dialog: its image field comes first.
    await dialog.getByTestId('template-option').filter({ hasText: 'order_shipped' }).click();
    await dialog.getByRole('button', { name: 'Choose an image' }).waitFor();
    await screenshot(page, 'composer-15c-template-media-dialog-en-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The window closes: a customer whose only message is 25 hours old (simulated time).
    await setClock(page, Date.now() - 25 * 3600_000);
    await inbound(page, {
      from: max.waId,
      name: max.name,
      message: { type: 'text', text: { body: 'Ich hatte gestern gefragt …' } },
    });
    await setClock(page, Date.now());
    const maxRow = page.getByTestId('conversation-row').filter({ hasText: max.name });
    await maxRow.waitFor({ timeout: 15_000 });
    await maxRow.click();
    await page.getByTestId('message-bubble').filter({ hasText: 'Ich hatte gestern gefragt' }).waitFor();
    expect(await page.getByTestId('window-indicator').getAttribute('data-open')).toBe('false');
    const closed = page.getByTestId('composer-closed');
    await closed.waitFor();
    expect(await page.getByTestId('composer-input').count()).toBe(0);

    // The template list: order_shipped (image header, URL button with a value) can be sent too now.
    const options = closed.getByTestId('template-option');
    await options.first().waitFor({ timeout: 15_000 });
    const shipped = options.filter({ hasText: 'order_shipped' });
    expect(await shipped.getAttribute('aria-disabled')).toBeNull();
    expect(await shipped.textContent()).not.toContain('cannot send');
    await screenshot(page, 'composer-06-templates-en-light');

    // Sync: progress, then the result.
    await closed.getByTestId('template-sync').click();
    await expect
      .poll(() => closed.getByTestId('template-sync-status').textContent(), { timeout: 15_000 })
      .toMatch(/^3 templates synced$/);

    // Search, pick order_ready, see the placeholders, send empty → marked at the fields.
    await closed.getByTestId('template-search').fill('ready');
    await expect.poll(() => options.count()).toBe(1);
    await options.first().click();
    const variables = closed.getByTestId('template-variable');
    await expect.poll(() => variables.count()).toBe(4);
    const previewBody = closed.getByTestId('template-preview-body');
    expect(await previewBody.textContent()).toBe(
      'Hello {{1}}, your order {{2}} is ready for pickup at {{3}}.',
    );
    expect(await closed.locator('mark.composer-wa-missing').count()).toBe(4);
    await closed.getByTestId('template-send').click();
    await expect.poll(() => closed.getByText('Fill in this value').count()).toBe(4);

    // Fill: the live preview follows; a hostile value stays text.
    await closed.getByRole('textbox', { name: /^Header variable 1\b/ }).fill('A-77');
    await closed.getByRole('textbox', { name: /^Variable 1\b/ }).fill(hostile);
    await closed.getByRole('textbox', { name: /^Variable 2\b/ }).fill('A-77');
    expect(await previewBody.textContent()).toBe(
      `Hello ${hostile}, your order A-77 is ready for pickup at {{3}}.`,
    );
    await closed.getByRole('textbox', { name: /^Variable 3\b/ }).fill('Hauptstraße 5');
    expect(await previewBody.textContent()).toBe(
      `Hello ${hostile}, your order A-77 is ready for pickup at Hauptstraße 5.`,
    );
    expect(await closed.getByTestId('template-preview-header').textContent()).toBe('Order A-77');
    expect(await closed.locator('mark.composer-wa-missing').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await screenshot(page, 'composer-07-template-filled-en-light');

    // Dark mode, same state.
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'dark'));
    await page.waitForTimeout(100);
    await screenshot(page, 'composer-08-template-filled-en-dark');
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));

    // Issues the server finds are shown at their fields (one answer faked in the browser).
    await page.route(
      '**/api/v1/workspaces/*/conversations/*/messages',
      (route) =>
        route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'validation_failed',
              message: 'Please correct the marked fields.',
              details: {
                issues: [{ path: 'body.template.body.1', message: 'WhatsApp refuses this order number' }],
              },
              requestId: 'e2e',
            },
          }),
        }),
      { times: 1 },
    );
    await closed.getByTestId('template-send').click();
    const orderField = closed.getByRole('textbox', { name: /^Variable 2\b/ });
    await expect.poll(() => orderField.getAttribute('aria-invalid')).toBe('true');
    await closed.getByText('WhatsApp refuses this order number').waitFor();
    expect(await orderField.evaluate((el) => el === document.activeElement)).toBe(true);
    await orderField.press('Backspace');
    await orderField.press('7');
    expect(await closed.getByText('WhatsApp refuses this order number').count()).toBe(0);

    // Send: the message appears like other outbound ones, and the simulator received the parameters.
    await closed.getByTestId('template-send').click();
    const templateBubble = page.getByTestId('message-bubble').filter({ hasText: 'Template order_ready' });
    await templateBubble.waitFor({ timeout: 15_000 });
    expect(await templateBubble.textContent()).toContain(
      `Hello ${hostile}, your order A-77 is ready for pickup at Hauptstraße 5.`,
    );
    await expect
      .poll(
        async () => (await sentTo(page, max.waId)).find((m) => m.type === 'template')?.body.template ?? null,
        {
          timeout: 20_000,
        },
      )
      .toEqual({
        name: 'order_ready',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'A-77' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: hostile },
              { type: 'text', text: 'A-77' },
              { type: 'text', text: 'Hauptstraße 5' },
            ],
          },
        ],
      });
    await expect.poll(() => statusOf(templateBubble), { timeout: 20_000 }).toMatch(/^(sent|delivered)$/);
    // Back at the list, ready for the next one.
    await closed.getByTestId('template-search').waitFor();

    // order_shipped, picked with the keyboard: an image for its header, two values and the tracking number.
    await closed.getByTestId('template-search').fill('shipped');
    await expect.poll(() => options.count()).toBe(1);
    await closed.getByTestId('template-search').press('ArrowDown');
    await page.keyboard.press('Enter');
    const chooseImage = closed.getByRole('button', { name: 'Choose an image' });
    await chooseImage.waitFor();
    // The header file's button has the focus first.
    expect(await chooseImage.evaluate((el) => el === document.activeElement)).toBe(true);
    const trackingField = closed.getByRole('textbox', { name: /Order details/ });
    expect(await closed.getByText('https://shop.example.com/orders/', { exact: true }).count()).toBe(1);
    await closed.getByTestId('template-send').click();
    await closed.getByText('Choose an image for the header').waitFor();
    await expect.poll(() => closed.getByText('Fill in this value').count()).toBe(3);
    expect(await chooseImage.evaluate((el) => el === document.activeElement)).toBe(true);
    // Only images are offered, and another kind of file is refused before any upload.
    const headerInput = closed.getByTestId('template-header-file-input');
    expect(await headerInput.getAttribute('accept')).toContain('image/png');
    expect(await headerInput.getAttribute('accept')).not.toContain('pdf');
    const uploadsBefore = uploads.length;
    await headerInput.setInputFiles({ name: 'lieferschein.pdf', mimeType: 'application/pdf', buffer: pdf });
    await closed.getByTestId('template-header-file-refusal').waitFor();
    expect(await closed.getByTestId('template-header-file-refusal').textContent()).toContain(
      'The header needs an image (JPEG or PNG); lieferschein.pdf is not one.',
    );
    expect(uploads.length).toBe(uploadsBefore);
    await screenshot(page, 'composer-15b-template-media-empty-en-light');
    await headerInput.setInputFiles({ name: 'paket.png', mimeType: 'image/png', buffer: png(320, 200) });
    const headerFile = closed.getByTestId('template-header-file');
    await closed.getByText('Ready to send').waitFor({ timeout: 15_000 });
    expect(uploads.length).toBe(uploadsBefore + 1);
    // The focus stays at the field: on its Replace button now.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Replace');
    expect(await closed.getByTestId('template-header-file-refusal').count()).toBe(0);
    expect(await headerFile.locator('img').getAttribute('src')).toMatch(/^blob:/);
    const previewImage = closed.locator('img[data-testid="template-preview-media"]');
    expect(await previewImage.getAttribute('src')).toMatch(/^blob:/);
    expect(await closed.getByText('Choose an image for the header').count()).toBe(0);
    await closed.getByRole('textbox', { name: /^Variable 1\b/ }).fill('Max');
    await closed.getByRole('textbox', { name: /^Variable 2\b/ }).fill('B-2040');
    // A link's end takes no spaces.
    await trackingField.fill('B 2040');
    await closed.getByText('No spaces or line breaks in a link').waitFor();
    await trackingField.fill('B-2040');
    expect(await closed.getByText('No spaces or line breaks in a link').count()).toBe(0);
    expect(await previewBody.textContent()).toBe('Hi Max, your order B-2040 has shipped.');
    // The button field is labelled with the button's text; the link's start stands before it.
    expect(await trackingField.getAttribute('aria-describedby')).toBeTruthy();
    await screenshot(page, 'composer-16-template-media-en-light');
    await trackingField.focus();
    await screenshot(page, 'composer-16b-template-media-button-en-light');
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'dark'));
    await page.waitForTimeout(100);
    await screenshot(page, 'composer-17-template-media-en-dark');
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
    // Enter in the last field sends.
    await trackingField.press('Enter');
    const shippedBubble = page.getByTestId('message-bubble').filter({ hasText: 'Template order_shipped' });
    await shippedBubble.waitFor({ timeout: 15_000 });
    expect(await shippedBubble.textContent()).toContain('Hi Max, your order B-2040 has shipped.');
    await shippedBubble.getByTestId('media-image').waitFor();
    await expect
      .poll(
        async () =>
          (await sentTo(page, max.waId)).find((m) => m.body.template?.name === 'order_shipped')?.body
            .template ?? null,
        { timeout: 20_000 },
      )
      .toEqual({
        name: 'order_shipped',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { id: expect.stringMatching(/^\d+$/) } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Max' },
              { type: 'text', text: 'B-2040' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'B-2040' }] },
        ],
      });
    await expect.poll(() => statusOf(shippedBubble), { timeout: 20_000 }).toMatch(/^(sent|delivered)$/);
    await screenshot(page, 'composer-18-template-media-sent-en-light');
    await closed.getByTestId('template-search').waitFor();
    expect(await page.locator('img[src="x"], main script').count()).toBe(0);
    expect(desk.problems).toEqual([]);
    // Nothing was fetched from elsewhere (the emoji data is bundled).
    expect(external).toEqual([]);

    // German, on a 390 px phone, light and dark.
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
    const signIn = await phone.page.request.post(`${server.url}/api/v1/sessions`, {
      data: { email: owner.email, password: owner.password },
    });
    expect(signIn.status(), await signIn.text()).toBeLessThan(300);
    const german = await phone.page.request.patch(`${server.url}/api/v1/me`, { data: { locale: 'de' } });
    expect(german.status(), await german.text()).toBe(200);
    const p = phone.page;
    await p.goto(server.url);
    await p.getByTestId('inbox-page').waitFor();
    await p.getByTestId('conversation-row').filter({ hasText: max.name }).click();
    const phoneClosed = p.getByTestId('composer-closed');
    await phoneClosed.getByText('24-Stunden-Fenster geschlossen').first().waitFor();
    await phoneClosed.getByTestId('template-option').first().waitFor({ timeout: 15_000 });
    await screenshot(p, 'composer-09-templates-de-phone-light');
    // order_shipped on the phone: the image field, the link's start before the tracking number.
    await phoneClosed.getByTestId('template-option').filter({ hasText: 'order_shipped' }).click();
    await phoneClosed.getByRole('button', { name: 'Bild auswählen' }).waitFor();
    await phoneClosed.getByTestId('template-header-file-input').setInputFiles({
      name: 'paket-mit-einem-recht-langen-namen.png',
      mimeType: 'image/png',
      buffer: png(200, 320),
    });
    await phoneClosed.getByText('Bereit zum Senden').waitFor({ timeout: 15_000 });
    await phoneClosed.getByRole('textbox', { name: /^Variable 1\b/ }).fill('Erika');
    await phoneClosed.getByRole('textbox', { name: /Order details/ }).fill('C 1');
    await phoneClosed.getByText('Keine Leerzeichen oder Zeilenumbrüche in einem Link').waitFor();
    await p.waitForTimeout(100);
    await screenshot(p, 'composer-19-template-media-de-phone-light');
    await phoneClosed.getByRole('textbox', { name: /Order details/ }).focus();
    await screenshot(p, 'composer-19b-template-media-button-de-phone-light');
    await p.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'dark'));
    await screenshot(p, 'composer-20-template-media-de-phone-dark');
    await p.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
    await phoneClosed.getByTestId('template-back').click();
    await phoneClosed.getByTestId('template-option').filter({ hasText: 'order_ready' }).click();
    await phoneClosed.getByRole('textbox', { name: /^Variable 1\b/ }).fill('Erika');
    await phoneClosed.getByRole('textbox', { name: /^Variable 2\b/ }).fill('B-12');
    await p.waitForTimeout(100);
    await screenshot(p, 'composer-10-template-form-de-phone-light');
    await p.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'dark'));
    await screenshot(p, 'composer-11-template-form-de-phone-dark');
    await phoneClosed.getByTestId('template-back').click();
    await p.getByTestId('conversation-back').click();
    await p.getByTestId('conversation-row').filter({ hasText: erika.name }).click();
    const phoneInput = p.getByTestId('composer-input');
    await phoneInput.waitFor();
    await phoneInput.fill('Hier: https://example.com');
    await p.getByTestId('composer-file-input').setInputFiles([
      { name: 'brezel-mit-einem-langen-namen.png', mimeType: 'image/png', buffer: png(80, 80) },
      { name: 'riesig.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024, 1) },
    ]);
    await p.getByTestId('attachment-refusal').waitFor();
    expect(await p.getByTestId('attachment-refusal').textContent()).toContain(
      'Bilder dürfen höchstens 5 MB groß sein; dieses hat 6 MB.',
    );
    await expect
      .poll(() => p.getByTestId('attachment').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('uploaded');
    await p.getByText('Linkvorschau anzeigen').waitFor();
    await screenshot(p, 'composer-12-tray-de-phone-dark');
    await p.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
    await screenshot(p, 'composer-13-tray-de-phone-light');
    await p.getByTestId('emoji-button').click();
    await p.locator('em-emoji-picker input[type="search"]').waitFor({ timeout: 15_000 });
    await p.waitForTimeout(200);
    await screenshot(p, 'composer-14-emoji-de-phone-light');
    await p.keyboard.press('Escape');
    // Removing the file from the tray; nothing is sent.
    await p.getByRole('button', { name: 'brezel-mit-einem-langen-namen.png entfernen' }).click();
    await expect.poll(() => p.getByTestId('attachment').count()).toBe(0);
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-input',
    );
    expect(phone.problems).toEqual([]);
    await phone.context.close();
    await desk.context.close();
  });
});
