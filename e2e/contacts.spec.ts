import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
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

const owner = { name: 'Karla Kontakt', email: 'karla@contacts-e2e.test', password: 'Kontakte pflegen 2026' };

describe('contacts, end to end in Chromium', () => {
  it('adds, finds, edits, labels, notes, blocks, merges, imports with a report and exports', async () => {
    const { page, problems } = await newContext(browser);
    const ws = await setUpOwner(page, server, 'Kontakt GmbH', owner);
    const api = `${server.url}/api/v1/workspaces/${ws}`;
    expect(
      (await page.request.post(`${api}/labels`, { data: { name: 'Stammkunde', color: '#2f9e44' } })).status(),
    ).toBe(201);
    const attr = await page.request.post(`${api}/contact-attributes`, {
      data: { key: 'kundennummer', label: 'Kundennummer', type: 'text' },
    });
    expect(attr.status(), await attr.text()).toBe(201);

    await page.goto(`${server.url}/w/${ws}/contacts`);
    await page.getByTestId('contacts-page').waitFor();
    await screenshot(page, 'contacts-01-empty');

    // New contact, in the national spelling; the profile opens.
    await page.getByTestId('contact-new-button').click();
    await page.getByLabel('Name', { exact: false }).first().fill('Greta Grün');
    await page.getByLabel('Phone number').fill('0151 2345 6789');
    await page.getByRole('button', { name: 'Create' }).click();
    const profile = page.getByTestId('contact-profile');
    await profile.waitFor();
    await expect.poll(() => profile.textContent()).toContain('+49 1512 3456789');

    // The same number again is refused, with a link to the existing one.
    await page.goto(`${server.url}/w/${ws}/contacts`);
    await page.getByTestId('contact-new-button').click();
    await page.getByLabel('Name', { exact: false }).first().fill('Greta doppelt');
    await page.getByLabel('Phone number').fill('+49 151 23456789');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('A contact with this number exists already.').waitFor();
    await page.getByRole('link', { name: 'Open it' }).click();
    await profile.waitFor();

    // Edit a field, set a label, add a note.
    await page.getByLabel('Kundennummer').fill('K-1001');
    await page.getByTestId('contact-save').click();
    await expect
      .poll(async () => {
        const list = await (await page.request.get(`${api}/contacts?q=Greta`)).json();
        const one = await (await page.request.get(`${api}/contacts/${list.items[0].id}`)).json();
        return one.attributes.kundennummer;
      })
      .toBe('K-1001');
    await page.getByTestId('contact-labels').click();
    await page.getByRole('option', { name: 'Stammkunde' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('contact-note-input').fill('Mag <b>keine</b> Anrufe');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('contact-note').filter({ hasText: 'Mag <b>keine</b> Anrufe' }).waitFor();
    // Consent recorded by hand (a signed paper form): appended to the ledger, shown as granted.
    await expect.poll(() => page.getByTestId('consent-state-marketing').textContent()).toBe('Not asked');
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByTestId('consent-evidence').fill('Paper form of 2026-12-01, filed in folder 3');
    await page.getByTestId('consent-save').click();
    await expect.poll(() => page.getByTestId('consent-state-marketing').textContent()).toBe('Granted');
    await page.getByTestId('consent-history').getByText('Paper form of 2026-12-01').waitFor();
    await screenshot(page, 'contacts-02-profile');

    // Block, with a confirmation; then unblock.
    await page.getByTestId('contact-block-button').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
    await page.getByText(/nothing is sent to this contact/).waitFor();
    await page.getByTestId('contact-block-button').click();
    await page.getByText(/nothing is sent to this contact/).waitFor({ state: 'hidden' });

    // Search in the list; the label shows.
    await page.getByRole('link', { name: 'All contacts' }).click();
    await page.getByTestId('contact-search').fill('Greta');
    const row = page.getByTestId('contact-row').filter({ hasText: 'Greta Grün' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Stammkunde');

    // Import: one good row, one without a number, one formula.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-contacts-')), 'kunden.csv');
    fs.writeFileSync(
      file,
      'Kunde;Handy;Kundennummer\r\nHans Import;0160 1112223;K-2\r\nOhne Nummer;;K-3\r\n=HYPERLINK("x");0160 3334445;K-4\r\n',
    );
    await page.getByTestId('contacts-import-button').click();
    await page.getByTestId('import-file-input').click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('import-file-input').click();
    await (await chooser).setFiles(file);
    await page.getByText(/Detected: UTF-8/).waitFor();
    await page.getByRole('dialog').locator('input[aria-label="Goes to: Kundennummer"]').first().click();
    await page.getByRole('option', { name: 'Kundennummer' }).click();
    await page.getByRole('dialog').locator('input[aria-label="Goes to: Kunde"]').first().click();
    await page.getByRole('option', { name: 'Name', exact: true }).click();
    await screenshot(page, 'contacts-03-import-mapping');
    await page.getByTestId('import-start').click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('1 imported, 0 updated, 0 skipped, 2 rejected.');
    expect(await page.getByTestId('rejected-row').allTextContents()).toEqual([
      '3No phone number',
      '4Starts like a spreadsheet formula (=, +, -, @) (Kunde)',
    ]);
    await screenshot(page, 'contacts-04-import-report');
    await page.getByRole('button', { name: 'Close' }).click();
    const hans = await (await page.request.get(`${api}/contacts?q=Hans`)).json();
    expect(hans.items.map((c: { phone: string }) => c.phone)).toEqual(['+491601112223']);

    // Merge Hans into Greta (neither has conversations): Hans is gone, Greta keeps her number.
    await page.getByTestId('contact-search').fill('Greta');
    await row.getByRole('link').click();
    await page.getByTestId('contact-merge-button').click();
    await page.getByTestId('merge-search').fill('Hans');
    await page.getByRole('option', { name: /Hans Import/ }).click();
    await page.getByTestId('merge-confirm').click();
    await page.getByText('Merged.').waitFor();
    expect((await (await page.request.get(`${api}/contacts?q=Hans`)).json()).items).toEqual([]);

    // Export: a CSV with a BOM and the custom field.
    const exported = await page.request.get(`${api}/contacts/export`);
    expect(exported.headers()['content-type']).toMatch(/^text\/csv/);
    const text = await exported.text();
    expect(text).toContain('kundennummer');
    expect(text).toContain('K-1001');
    await page.getByRole('link', { name: 'All contacts' }).click();
    expect(await page.getByTestId('contacts-export-link').getAttribute('href')).toContain('/contacts/export');

    // On a phone.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/w/${ws}/contacts`);
    await page.getByTestId('contact-row').first().waitFor();
    await screenshot(page, 'contacts-05-phone');
    expect(problems).toEqual([]);
  });
});
