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
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const owner = {
  name: 'Nora Newsletter',
  email: 'nora@consent-e2e.test',
  password: 'Einwilligung zuerst 2026',
};
const olga = { waId: '4915123450001', name: 'Olga Optin' };

async function inbound(page: Page, message: unknown): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound`, {
    data: { from: olga.waId, name: olga.name, message },
  });
  expect(r.status(), await r.text()).toBe(200);
}

/** Olga's contact id, once the inbound message made her a contact. */
async function contactIdOf(page: Page, ws: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      const list = await (await page.request.get(`${server.url}/api/v1/workspaces/${ws}/contacts`)).json();
      id = list.items.find((c: { name: string }) => c.name === olga.name)?.id;
      return id ?? null;
    })
    .not.toBeNull();
  return id!;
}

/** The marketing state shown on the profile, after a reload (the ledger changed in the background). */
async function shownState(page: Page): Promise<string | null> {
  await page.reload();
  return page.getByTestId('consent-state-marketing').textContent();
}

describe('consent, end to end in Chromium', () => {
  it('sign-up link and QR, opt-in by keyword with confirmation, opt-out by STOP', async () => {
    const { page, problems } = await newContext(browser);
    const ws = await setUpOwner(page, server, 'Newsletter GmbH', owner);

    // Settings → Consent: the keywords, a WhatsApp-like preview, the wa.me link and its QR code.
    await page.goto(`${server.url}/w/${ws}/settings/consent`);
    const link = page.getByTestId('consent-signup-link');
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/wa\.me\/\d+\?text=START$/);
    await page.getByTestId('consent-qr').waitFor();
    await page
      .getByTestId('consent-confirmQuestion')
      .fill('Möchten Sie unseren Newsletter? Abmelden mit STOP.');
    await page
      .getByTestId('consent-preview')
      .getByText('Möchten Sie unseren Newsletter? Abmelden mit STOP.')
      .waitFor();
    await page.getByTestId('consent-settings-save').click();
    await page.getByText('Consent settings saved').waitFor();
    await screenshot(page, 'consent-01-settings');

    // The customer sends the keyword: the question comes back with two buttons; not yet consent.
    await inbound(page, { type: 'text', text: { body: 'Start' } });
    await page.goto(`${server.url}/w/${ws}/inbox`);
    const row = page.getByTestId('conversation-row').filter({ hasText: olga.name });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page
      .getByTestId('message-bubble')
      .filter({ hasText: 'Möchten Sie unseren Newsletter? Abmelden mit STOP.' })
      .waitFor({ timeout: 15_000 });
    const contactId = await contactIdOf(page, ws);
    await page.goto(`${server.url}/w/${ws}/contacts/${contactId}`);
    const marketing = page.getByTestId('consent-state-marketing');
    await expect.poll(() => marketing.textContent()).toBe('Asked, waiting for confirmation');

    // She presses "yes": now it is granted, with the question's wording as proof.
    await inbound(page, {
      type: 'interactive',
      interactive: {
        type: 'button_reply',
        button_reply: { id: 'parley.consent.yes', title: 'Ja, anmelden' },
      },
    });
    await expect.poll(() => shownState(page), { timeout: 15_000 }).toBe('Granted');
    await page
      .getByTestId('consent-history')
      .getByText('Möchten Sie unseren Newsletter?', { exact: false })
      .first()
      .waitFor();
    await screenshot(page, 'consent-02-granted');

    // STOP withdraws it, and the thread shows the confirmation that went back.
    await inbound(page, { type: 'text', text: { body: 'STOP' } });
    await expect.poll(() => shownState(page), { timeout: 15_000 }).toBe('Withdrawn');
    await page.goto(`${server.url}/w/${ws}/inbox`);
    await row.click();
    await page
      .getByTestId('message-bubble')
      .filter({ hasText: 'Sie erhalten von uns keine Newsletter mehr' })
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'consent-03-thread');
    expect(problems).toEqual([]);
  });
});
