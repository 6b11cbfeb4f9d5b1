import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, type RunningServer, setUpOwner, startServer } from './harness.js';

// Newsletters end to end: contacts in mixed consent states, a segment built in the UI with an
// exclusion, the live review's counts and reasons, a scheduled send that runs to completion with a
// "no consent" skip, and a second one (CSV list, utility template) paused and resumed.

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

let ws = '';
let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];

const owner = { name: 'Bea Broadcast', email: 'bea@broadcast-e2e.test', password: 'Rundbrief an alle 2026' };
const shots = '/tmp/shots';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `broadcasts-${name}.png`), fullPage: true });
}

type Api = {
  get: (p: string) => Promise<unknown>;
  post: (p: string, data?: unknown) => Promise<Record<string, unknown>>;
};

function apiOf(page: Page, ws: string): Api {
  const base = `${server.url}/api/v1/workspaces/${ws}`;
  return {
    async get(p) {
      const r = await page.request.get(`${base}${p}`);
      expect(r.status(), await r.text()).toBe(200);
      return r.json();
    },
    async post(p, data = {}) {
      const r = await page.request.post(`${base}${p}`, { data });
      expect(r.status(), `${p}: ${await r.text()}`).toBeLessThan(300);
      return r.json();
    },
  };
}

/** The text of a locator, once it is there. */
async function text(l: Locator): Promise<string> {
  return (await l.textContent({ timeout: 15_000 }))?.trim() ?? '';
}

/** Picks an option of a Mantine Select/MultiSelect by its visible label. */
async function pick(page: Page, input: Locator, option: string): Promise<void> {
  await input.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Adds a segment condition through the "Add condition" menu (opened again if a re-render closed it). */
async function addCondition(page: Page, type: string): Promise<void> {
  const item = page.getByTestId(`segment-add-${type}`);
  for (let attempt = 0; ; attempt++) {
    await page.getByTestId('segment-add').click();
    try {
      await item.waitFor({ state: 'visible', timeout: 3000 });
      await item.click({ timeout: 3000 });
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}

describe('newsletters, end to end in Chromium', () => {
  it('segment with exclusion, live review, scheduled send to completion, pause and resume, CSV list', async () => {
    const { page, problems } = await newContext(browser);
    ws = await setUpOwner(page, server, 'Rundbrief GmbH', owner);
    cookies = await page.context().cookies();
    const api = apiOf(page, ws);

    // The sandbox number, and a MARKETING template on it (the simulator approves it after a second).
    const { channels } = (await api.get('/channels')) as { channels: { id: string }[] };
    const channelId = channels[0]!.id;
    await api.post(`/channels/${channelId}/templates`, {
      name: 'winter_sale',
      category: 'MARKETING',
      language: 'de',
      body: { text: 'Hallo {{1}}, heute 20 % auf alles im {{2}}. Bis bald!', examples: ['Ana', 'Laden'] },
    });
    await expect
      .poll(
        async () => {
          await page.request.post(
            `${server.url}/api/v1/workspaces/${ws}/channels/${channelId}/templates/sync`,
          );
          const list = (await api.get(`/templates?status=APPROVED&channelId=${channelId}`)) as {
            templates: { name: string }[];
          };
          return list.templates.some((t) => t.name === 'winter_sale');
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(true);

    // Labels and contacts: two with consent, one never asked, one who withdrew, one excluded, one outside.
    const regular = (await api.post('/labels', { name: 'Stammkunde', color: '#1f883d' })).id as string;
    const doNotContact = (await api.post('/labels', { name: 'Nicht anschreiben', color: '#cf222e' }))
      .id as string;
    const people = [
      { name: 'Anna Zustimmung', phone: '+4915112300001', labels: [regular], consent: ['granted'] },
      { name: 'Bernd Zustimmung', phone: '+4915112300002', labels: [regular], consent: ['granted'] },
      { name: 'Clara Ohnezustimmung', phone: '+4915112300003', labels: [regular], consent: [] },
      {
        name: 'Dora Widerruf',
        phone: '+4915112300004',
        labels: [regular],
        consent: ['granted', 'withdrawn'],
      },
      {
        name: 'Emil Ausgeschlossen',
        phone: '+4915112300005',
        labels: [regular, doNotContact],
        consent: ['granted'],
      },
      { name: 'Fritz Außen', phone: '+4915112300006', labels: [], consent: ['granted'] },
    ];
    for (const p of people) {
      const c = await api.post('/contacts', { name: p.name, phone: p.phone, labelIds: p.labels });
      for (const action of p.consent)
        await api.post(`/contacts/${c.id}/consents`, {
          purpose: 'marketing',
          action,
          source: 'api',
          channelId,
        });
    }

    // The empty list.
    await page.goto(`${server.url}/w/${ws}/broadcasts`);
    await page.getByTestId('broadcasts-empty').waitFor({ timeout: 15_000 });
    await shot(page, '00-empty-desktop');
    await page.getByTestId('broadcast-new').first().click();
    await page.getByTestId('broadcast-new-page').waitFor();

    // 1. Number (the only one is chosen already) and the template.
    await expect
      .poll(() => page.getByTestId('broadcast-channel').inputValue(), { timeout: 15_000 })
      .not.toBe('');
    await pick(page, page.getByTestId('broadcast-template'), 'winter_sale · de · MARKETING');
    await page.getByText('A marketing template only reaches contacts').waitFor();

    // 2. Segment: label Stammkunde; exclusion: Nicht anschreiben.
    await page.getByTestId('review-empty').waitFor();
    await addCondition(page, 'label');
    await pick(page, page.getByTestId('segment-labels'), 'Stammkunde');
    await page.keyboard.press('Escape');
    const total = page.getByTestId('review-total');
    // The live count: five carry the label.
    await expect.poll(() => text(total), { timeout: 15_000 }).toBe('5');
    await pick(page, page.getByTestId('audience-exclude'), 'Nicht anschreiben');
    await page.keyboard.press('Escape');
    await expect.poll(() => text(total), { timeout: 15_000 }).toBe('4');
    expect(await text(page.getByTestId('review-eligible'))).toBe('2');
    expect(await text(page.getByTestId('review-excluded-byRule'))).toBe('1');
    expect(await text(page.getByTestId('review-excluded-noConsent'))).toBe('1');
    expect(await text(page.getByTestId('review-excluded-optedOut'))).toBe('1');
    expect(await text(page.getByTestId('review-excluded-blocked'))).toBe('0');

    // 3. Variables: {{1}} is the contact's name already; {{2}} a fixed text.
    const variables = page.getByTestId('broadcast-variable');
    expect(await variables.count()).toBe(2);
    // Sending is refused while {{2}} has no value.
    await page.getByTestId('broadcast-submit').click();
    await page.getByTestId('broadcast-blockers').waitFor();
    expect(await text(page.getByTestId('broadcast-blockers'))).toContain('Give a value for 1 placeholder');
    await variables.nth(1).getByTestId('broadcast-variable-value').fill('Winterladen');
    // The samples render the template with each recipient's values.
    const sample = page.getByTestId('review-sample').filter({ hasText: 'Anna Zustimmung' });
    await expect
      .poll(() => text(sample.getByTestId('template-preview-body')), { timeout: 15_000 })
      .toBe('Hallo Anna Zustimmung, heute 20 % auf alles im Winterladen. Bis bald!');
    expect(await page.getByTestId('review-sample').count()).toBe(2);
    await shot(page, '01-new-desktop');

    // 4. A few seconds ahead (the browser's time zone; with seconds).
    await page.getByTestId('schedule-later').click();
    const at = await page.evaluate(() => {
      const d = new Date(Date.now() + 8000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    });
    await page.getByTestId('schedule-at').fill(at);
    await page.getByTestId('broadcast-submit').click();
    const dialog = page.getByRole('dialog', { name: 'Schedule the newsletter?' });
    await dialog.getByText('winter_sale will go to 2 recipients').waitFor();
    await dialog.getByRole('button', { name: 'Schedule' }).click();

    // The detail page: scheduled, then sending, then completed with the progress at 4 of 4.
    await page.getByTestId('broadcast-detail-page').waitFor({ timeout: 15_000 });
    expect(page.url()).toMatch(/\/broadcasts\/[0-9a-f-]{36}$/);
    const state = page.getByTestId('broadcast-state').first();
    expect(await state.getAttribute('data-state')).toBe('scheduled');
    const progress = page.getByTestId('broadcast-progress').first();
    expect(await progress.getAttribute('data-done')).toBe('0');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 40_000 }).toBe('completed');
    expect(await progress.getAttribute('data-done')).toBe('4');
    expect(await progress.getAttribute('data-total')).toBe('4');
    expect(await page.getByTestId('count-skipped').getAttribute('data-value')).toBe('2');
    expect(await page.getByTestId('count-sent').getAttribute('data-value')).toBe('2');
    expect(await page.getByTestId('count-failed').getAttribute('data-value')).toBe('0');
    // Per recipient: Clara skipped for lack of consent, Dora for her opt-out, Anna sent.
    const row = (name: string) => page.getByTestId('recipient-row').filter({ hasText: name });
    await expect.poll(() => page.getByTestId('recipient-row').count(), { timeout: 15_000 }).toBe(4);
    // (The table follows the counts; it may be a moment behind them.)
    await expect
      .poll(() => row('Clara Ohnezustimmung').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('skipped');
    expect(await text(row('Clara Ohnezustimmung').getByTestId('recipient-error'))).toBe(
      'No marketing consent',
    );
    expect(await row('Dora Widerruf').getAttribute('data-state')).toBe('skipped');
    expect(await text(row('Dora Widerruf').getByTestId('recipient-error'))).toBe(
      'The contact withdrew marketing consent',
    );
    await expect
      .poll(() => row('Anna Zustimmung').getAttribute('data-state'), { timeout: 15_000 })
      .toMatch(/^(sent|delivered|read)$/);
    expect(await row('Emil Ausgeschlossen').count()).toBe(0);
    // The reasons, and the state filter.
    await page.getByTestId('broadcast-errors').getByText('No marketing consent').waitFor();
    await pick(page, page.getByTestId('recipients-filter'), 'Skipped');
    await expect.poll(() => page.getByTestId('recipient-row').count()).toBe(2);
    expect(await page.getByTestId('recipients-csv').getAttribute('href')).toMatch(/\/recipients\.csv$/);
    const csv = await page.request.get(
      `${server.url}${await page.getByTestId('recipients-csv').getAttribute('href')}`,
    );
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Clara Ohnezustimmung');
    // What it was sent to and with.
    const settings = await text(page.getByTestId('broadcast-settings'));
    expect(settings).toContain('Where Labels: Any of Stammkunde');
    expect(settings).toContain('Excluded:Nicht anschreiben');
    expect(settings).toContain('{{1}} → contact.name');
    expect(settings).toContain('{{2}} → "Winterladen"');
    await shot(page, '02-detail-desktop');
    // The list shows it.
    await page.getByRole('link', { name: 'All newsletters' }).click();
    await page.getByTestId('broadcast-row').first().waitFor();
    expect(await page.getByTestId('broadcast-row').count()).toBe(1);
    expect(
      await page.getByTestId('broadcast-row').getByTestId('broadcast-state').getAttribute('data-state'),
    ).toBe('completed');
    await shot(page, '03-list-desktop');

    // A second one on a phone-sized screen: a CSV list (one bad line) with a utility template, later.
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
    await phone.context.addCookies(await page.context().cookies());
    const m = phone.page;
    await m.goto(`${server.url}/w/${ws}/broadcasts/new`);
    await m.getByTestId('broadcast-new-page').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => m.getByTestId('broadcast-channel').inputValue(), { timeout: 15_000 })
      .not.toBe('');
    await pick(m, m.getByTestId('broadcast-template'), 'hello_world · en_US · UTILITY');
    // The segment builder on a phone: one row per condition; an incomplete one is marked, then removed.
    for (const type of ['attribute', 'lastContact', 'conversation', 'consent']) {
      await addCondition(m, type);
    }
    expect(await m.getByTestId('segment-condition').count()).toBe(4);
    await m.getByText('Complete this condition').waitFor();
    await shot(m, '04a-segment-mobile');
    while ((await m.getByTestId('segment-remove').count()) > 0)
      await m.getByTestId('segment-remove').first().click();
    await m.getByTestId('review-empty').waitFor();
    // (FileInput opens the file chooser on click.) A file without a phone column is refused, saying why.
    const refused = m.waitForEvent('filechooser');
    await m.getByTestId('csv-input').click();
    await (await refused).setFiles({
      name: 'falsch.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('name\nKaputt\n'),
    });
    await m.getByRole('alert').filter({ hasText: 'none is called "phone"' }).waitFor({ timeout: 15_000 });
    const chooser = m.waitForEvent('filechooser');
    await m.getByTestId('csv-input').click();
    await (await chooser).setFiles({
      name: 'liste.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'phone,name,consent_proof\n+4915112300001,Anna Zustimmung,\n+4915112300007,Gerd Neu,Formular 2026-12-01\nkeine nummer,Kaputt,\n',
      ),
    });
    const result = m.getByTestId('csv-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await text(result)).toContain('1 contacts created, 1 matched, 1 consents recorded.');
    expect(await text(m.getByTestId('csv-errors'))).toContain('Line 4: Not a valid phone number');
    await expect.poll(() => text(m.getByTestId('review-total')), { timeout: 15_000 }).toBe('2');
    expect(await text(m.getByTestId('review-eligible'))).toBe('2');
    await m.getByTestId('schedule-later').click();
    await shot(m, '04-new-mobile');
    await m.getByTestId('broadcast-submit').click();
    await m
      .getByRole('dialog', { name: 'Schedule the newsletter?' })
      .getByRole('button', { name: 'Schedule' })
      .click();
    await m.getByTestId('broadcast-detail-page').waitFor({ timeout: 15_000 });
    const mState = m.getByTestId('broadcast-state').first();
    expect(await mState.getAttribute('data-state')).toBe('scheduled');

    // Pause (a person's pause, said so), then resume: it sends at once and completes.
    await m.getByTestId('broadcast-pause').click();
    await expect.poll(() => mState.getAttribute('data-state'), { timeout: 15_000 }).toBe('paused');
    expect(await text(m.getByTestId('pause-reason'))).toContain('A team member paused this newsletter');
    await shot(m, '05-paused-mobile');
    // Cancelling asks first; "Cancel" in the dialog keeps it.
    await m.getByTestId('broadcast-cancel').click();
    const cancelDialog = m.getByRole('dialog', { name: 'Cancel this newsletter?' });
    await cancelDialog.getByText('Nobody else will receive it.').waitFor();
    await cancelDialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await cancelDialog.waitFor({ state: 'hidden' });
    expect(await mState.getAttribute('data-state')).toBe('paused');
    await m.getByTestId('broadcast-resume').click();
    await expect.poll(() => mState.getAttribute('data-state'), { timeout: 40_000 }).toBe('completed');
    expect(await m.getByTestId('pause-reason').count()).toBe(0);
    expect(await m.getByTestId('broadcast-progress').first().getAttribute('data-done')).toBe('2');
    await expect.poll(() => m.getByTestId('recipient-row').count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => m.getByTestId('recipient-row').filter({ hasText: 'Gerd Neu' }).getAttribute('data-state'), {
        timeout: 15_000,
      })
      .toMatch(/^(sent|delivered|read)$/);
    await shot(m, '06-detail-mobile');
    // Nothing overflows the phone's width, here and on the list.
    expect(await m.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await m.getByRole('link', { name: 'All newsletters' }).click();
    await expect.poll(() => m.getByTestId('broadcast-row').count(), { timeout: 15_000 }).toBe(2);
    expect(await m.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(m, '10-list-mobile');

    expect(problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  });

  it('a WhatsApp error pauses with its reason; transient failures are retried', async () => {
    expect(ws).not.toBe('');
    const { page, context, problems } = await newContext(browser);
    await context.addCookies(cookies);
    const faults = async (api: Record<string, unknown>) => {
      const r = await page.request.post(`${server.url}/_sandbox/_sim/faults`, { data: { api } });
      expect(r.status(), await r.text()).toBe(200);
    };

    // Every send is refused with 131048 (spam rate limit): the newsletter stops at once.
    await faults({ sendError: 1, sendErrorCode: 131048 });
    await page.goto(`${server.url}/w/${ws}/broadcasts/new`);
    await page.getByTestId('broadcast-new-page').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('broadcast-channel').inputValue(), { timeout: 15_000 })
      .not.toBe('');
    await pick(page, page.getByTestId('broadcast-template'), 'hello_world · en_US · UTILITY');
    await pick(page, page.getByTestId('audience-labels'), 'Stammkunde');
    await page.keyboard.press('Escape');
    // Utility: consent is not needed, so all five with the label are counted.
    await expect.poll(() => text(page.getByTestId('review-eligible')), { timeout: 15_000 }).toBe('5');
    await page.getByTestId('broadcast-submit').click();
    await page
      .getByRole('dialog', { name: 'Send the newsletter now?' })
      .getByRole('button', { name: 'Send now' })
      .click();
    await page.getByTestId('broadcast-detail-page').waitFor({ timeout: 15_000 });
    const state = page.getByTestId('broadcast-state').first();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('paused');
    const reason = page.getByTestId('pause-reason');
    expect(await reason.getAttribute('data-reason')).toBe('whatsapp_error');
    expect(await text(reason)).toContain('WhatsApp refused to send (error 131048');
    await shot(page, '07-whatsapp-error-desktop');

    // Now each send fails for the moment (131049): they end as failed, to be retried.
    await faults({ sendError: 1, sendErrorCode: 131049 });
    await page.getByTestId('broadcast-resume').click();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('completed');
    expect(await page.getByTestId('count-failed').getAttribute('data-value')).toBe('5');
    await page.getByTestId('broadcast-errors').locator('[data-code="131049"]').waitFor();
    const retry = page.getByTestId('broadcast-retry');
    expect(await text(retry)).toBe('Retry 5 failed');
    await shot(page, '08-failed-desktop');

    // The cause is gone: "Retry failed" sends them again and the newsletter completes.
    await faults({ sendError: 0 });
    await retry.click();
    await page.getByText('5 recipients are being sent again.').waitFor();
    await expect
      .poll(() => page.getByTestId('count-sent').getAttribute('data-value'), { timeout: 30_000 })
      .toBe('5');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('completed');
    expect(await page.getByTestId('count-failed').getAttribute('data-value')).toBe('0');
    expect(await page.getByTestId('broadcast-retry').count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('recipient-row').locator('[data-testid="recipient-error"]').count(), {
        timeout: 15_000,
      })
      .toBe(0);
    await shot(page, '09-retried-desktop');

    // In German on a phone: the same pages, no overflow.
    const me = await page.request.patch(`${server.url}/api/v1/me`, { data: { locale: 'de' } });
    expect(me.status(), await me.text()).toBe(200);
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
    await phone.context.addCookies(cookies);
    await phone.page.goto(page.url());
    await phone.page.getByTestId('broadcast-detail-page').waitFor({ timeout: 15_000 });
    expect(await text(phone.page.getByTestId('broadcast-state').first())).toBe('Abgeschlossen');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone.page, '11-detail-mobile-de');
    await phone.page.goto(`${server.url}/w/${ws}/broadcasts/new`);
    await phone.page.getByText('1. Nummer und Vorlage').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => phone.page.getByTestId('broadcast-channel').inputValue(), { timeout: 15_000 })
      .not.toBe('');
    await addCondition(phone.page, 'attribute');
    await addCondition(phone.page, 'label');
    await pick(phone.page, phone.page.getByTestId('segment-labels'), 'Stammkunde');
    await phone.page.keyboard.press('Escape');
    await expect.poll(() => text(phone.page.getByTestId('review-total')), { timeout: 15_000 }).toBe('5');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone.page, '12-new-mobile-de');
    expect(problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  });
  it('pages the recipients 50 at a time, with the state filter, by keyboard, matching the counts', async () => {
    expect(ws).not.toBe('');
    const { page, context, problems } = await newContext(browser);
    await context.addCookies(cookies);
    // (The test before switched the owner to German.)
    const me = await page.request.patch(`${server.url}/api/v1/me`, { data: { locale: 'en' } });
    expect(me.status(), await me.text()).toBe(200);
    const api = apiOf(page, ws);
    const { channels } = (await api.get('/channels')) as { channels: { id: string }[] };
    const channelId = channels[0]!.id;

    // 130 new contacts in one CSV import (set-based): every second one with consent proof, so the
    // marketing newsletter sends 65 and skips 65 for lack of consent. Three pages of 50 in the table.
    const size = 130;
    const names = Array.from({ length: size }, (_, i) => `Seite ${String(i + 1).padStart(3, '0')}`);
    const csv = [
      'phone,name,consent_proof',
      ...names.map(
        (name, i) =>
          `+4915112400${String(i).padStart(3, '0')},${name},${i % 2 === 0 ? 'Formular 2026-12-01' : ''}`,
      ),
    ].join('\n');
    const imported = (await api.post('/broadcasts/audience-import', { channelId, csv })) as {
      contactIds: string[];
      created: number;
      errors: unknown[];
    };
    expect(imported.errors).toEqual([]);
    expect(imported.contactIds).toHaveLength(size);
    const { id } = await api.post('/broadcasts', {
      channelId,
      templateName: 'winter_sale',
      language: 'de',
      audience: { contactIds: imported.contactIds },
      variables: { '1': { field: 'contact.name' }, '2': 'Winterladen' },
    });
    await api.post(`/broadcasts/${id}/start`);
    // Completed, and every message that left is delivered (the simulator's customers do not read).
    type Counts = { sent: number; delivered: number; read: number; skipped: number };
    const counts = async () => (await api.get(`/broadcasts/${id}`)) as { state: string; counts: Counts };
    await expect
      .poll(
        async () => {
          const b = await counts();
          return `${b.state} sent=${b.counts.sent + b.counts.delivered + b.counts.read} delivered=${b.counts.delivered} skipped=${b.counts.skipped}`;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('completed sent=65 delivered=65 skipped=65');

    await page.goto(`${server.url}/w/${ws}/broadcasts/${id}`);
    await page.getByTestId('broadcast-detail-page').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('broadcast-state').first().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('completed');
    const rows = page.getByTestId('recipient-row');
    const more = page.getByTestId('recipients-more');
    const shown = async () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          name: tr.querySelector('a')?.textContent?.trim() ?? '',
          state: tr.getAttribute('data-state') ?? '',
        })),
      );
    /** The rows once `n` are there: no duplicate, and the first ones unchanged. */
    const expectRows = async (n: number, before: { name: string }[] = []) => {
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(n);
      const now = await shown();
      expect(new Set(now.map((r) => r.name)).size).toBe(n);
      expect(now.slice(0, before.length).map((r) => r.name)).toEqual(before.map((r) => r.name));
      return now;
    };

    // The first page; "load more" (named for what it adds) adds the second, without duplicates, and
    // moves the focus to the first row it added.
    const first = await expectRows(50);
    expect(await text(page.getByTestId('recipients-shown'))).toBe('Showing 50 of 130');
    await page.getByRole('button', { name: 'Load 50 more recipients' }).click();
    const second = await expectRows(100, first);
    await expect
      .poll(() =>
        rows
          .nth(50)
          .locator('a')
          .evaluate((a) => a === document.activeElement),
      )
      .toBe(true);
    expect(await text(page.getByTestId('recipients-shown'))).toBe('Showing 100 of 130');
    await more.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'broadcasts-13-paged-viewport.png') });
    await shot(page, '13-paged-desktop');

    // The keyboard: Tab from the last row's link reaches the control; Enter loads the last page.
    await rows.last().locator('a').focus();
    await page.keyboard.press('Tab');
    expect(await more.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await text(more)).toBe('Load 30 more recipients');
    await page.keyboard.press('Enter');
    const all = await expectRows(size, second);
    // All there: the control is gone, and the focus is on the first new row, not lost to the page.
    expect(await more.count()).toBe(0);
    await expect
      .poll(() =>
        rows
          .nth(100)
          .locator('a')
          .evaluate((a) => a === document.activeElement),
      )
      .toBe(true);
    expect(await text(page.getByTestId('recipients-shown'))).toBe('Showing 130 of 130');
    expect(all.map((r) => r.name).sort()).toEqual(names);

    // Row by row, the same numbers as the counts at the top.
    const value = async (key: string) =>
      Number(await page.getByTestId(`count-${key}`).getAttribute('data-value'));
    const inState = (...states: string[]) => all.filter((r) => states.includes(r.state)).length;
    expect(await text(page.getByTestId('detail-total'))).toBe(String(size));
    expect(inState('skipped')).toBe(await value('skipped'));
    expect(inState('sent', 'delivered', 'read')).toBe(await value('sent'));
    expect(inState('delivered', 'read')).toBe(await value('delivered'));
    expect(inState('read')).toBe(await value('read'));
    expect(inState('failed')).toBe(await value('failed'));
    expect(await value('skipped')).toBe(65);
    expect(await value('delivered')).toBe(65);

    // The state filter with paging: only that state, from its first page, until all 65 are there.
    for (const [label, state] of [
      ['Skipped', 'skipped'],
      ['Delivered', 'delivered'],
    ] as const) {
      await pick(page, page.getByTestId('recipients-filter'), label);
      // Not even for a moment the rows of the filter before.
      expect((await shown()).every((r) => r.state === state)).toBe(true);
      const firstOfState = await expectRows(50);
      expect(firstOfState.every((r) => r.state === state)).toBe(true);
      expect(await text(page.getByTestId('recipients-shown'))).toBe('Showing 50 of 65');
      expect(await text(more)).toBe('Load 15 more recipients');
      await more.click();
      const everyOfState = await expectRows(65, firstOfState);
      await page.screenshot({ path: path.join(shots, `broadcasts-14-filter-${state}-viewport.png`) });
      expect(everyOfState.every((r) => r.state === state)).toBe(true);
      expect(everyOfState.length).toBe(await value(state));
      expect(await more.count()).toBe(0);
      expect(await text(page.getByTestId('recipients-shown'))).toBe('Showing 65 of 65');
    }
    // Back to all: from the first page again.
    await pick(page, page.getByTestId('recipients-filter'), 'All recipients');
    expect((await expectRows(50)).map((r) => r.name)).toEqual(first.map((r) => r.name));
    expect(await more.count()).toBe(1);
    await page.getByTestId('recipients-filter').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'broadcasts-14-filter-all-viewport.png') });
    expect(problems).toEqual([]);
  });
});
