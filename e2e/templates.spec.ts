import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, type RunningServer, setUpOwner, startServer } from './harness.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const owner = { name: 'Tina Template', email: 'tina@templates-e2e.test', password: 'Vorlagen pruefen 2026' };
const name = 'e2e_order_ready';

async function shot(page: Page, label: string): Promise<void> {
  await page.screenshot({ path: `/tmp/shots/templates-${label}.png`, fullPage: true });
}

function row(page: Page, rowName = name) {
  return page.locator(`[data-testid="template-row"][data-name="${rowName}"]`);
}

/** Signs the owner in (set up by the first test, or here when it runs alone); their workspace's id. */
async function ownerWorkspace(page: Page): Promise<string> {
  const signIn = await page.request.post(`${server.url}/api/v1/sessions`, {
    data: { email: owner.email, password: owner.password },
  });
  if (signIn.status() !== 200) return setUpOwner(page, server, 'Vorlagen GmbH', owner);
  return (await signIn.json()).workspaces[0].workspaceId as string;
}

/** A 120×72 green PNG, the image header's sample. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAHgAAABICAIAAACyfKYoAAAAeElEQVR42u3QQQ0AAAgEoCtjPYOZ0hT6YiMBqWkeRIFo0YgWLdqCaNGIFi3agmjRiBYtGtGiES1aNKJFI1q0aESLRrRo0YgWjWjRohEtGtGiRSNaNKJFi0a0aESLFo1o0YgWLRrRohEtWjSiRSNatGhEi0a0aNFcWddtzSjGnxUaAAAAAElFTkSuQmCC',
  'base64',
);

describe('template manager, end to end in Chromium', () => {
  it('create (a broken rule marks its field) → in review → approved by the simulator without reload → copy → delete', async () => {
    const { page, problems } = await newContext(browser);
    const ws = await setUpOwner(page, server, 'Vorlagen GmbH', owner);
    // The simulator reviews new templates itself; hold the review so "in review" can be seen.
    const config = await page.request.post(`${server.url}/_sandbox/_sim/config`, {
      data: { templateReviewDelayMs: 3_600_000 },
    });
    expect(config.status(), await config.text()).toBe(200);

    await page.goto(`${server.url}/w/${ws}/settings/templates`);
    await page.getByTestId('template-create').click({ timeout: 15_000 });
    await page.getByTestId('template-name').fill(name);
    await page.getByTestId('template-language').click();
    await page
      .getByRole('option', { name: /\(de\)$/ })
      .first()
      .click();
    await page.getByTestId('template-body').fill('Hallo {{1}}');
    // The variable's sample field appears as it is typed; the preview shows the sample.
    await page.getByTestId('template-body-example-1').fill('Ana');
    await page.getByTestId('template-preview').getByText('Ana').waitFor();

    // A body ending in a variable breaks Meta's rule: the body field says so, nothing is sent.
    await page.getByTestId('template-submit').click();
    const bodyField = page.getByTestId('template-body');
    await page.getByText('The text may not start or end with a variable.').waitFor();
    expect(await bodyField.getAttribute('aria-invalid')).toBe('true');
    expect(await bodyField.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(page, '01-form-error');

    await bodyField.fill('Hallo {{1}}, Ihre Bestellung ist abholbereit.');
    await page.getByTestId('template-footer').fill('Acme');
    await page.getByTestId('template-add-button').click();
    await page.getByRole('menuitem', { name: 'Quick reply' }).click();
    await page.getByTestId('template-button-text-1').fill('Danke!');
    await page.getByTestId('template-preview').getByText('Danke!').waitFor();
    await shot(page, '02-form-desktop');
    await page.getByTestId('template-submit').click();

    // Back in the list: in review.
    await row(page).waitFor({ timeout: 15_000 });
    expect(await row(page).getByTestId('template-status').getAttribute('data-status')).toBe('PENDING');
    await page.getByTestId('templates-pending-note').waitFor();
    await shot(page, '03-list-pending');

    // The simulator approves it (its webhook reaches the server); the badge changes without a reload.
    const approve = await page.request.post(`${server.url}/_sandbox/_sim/templates/${name}/status`, {
      data: { status: 'APPROVED' },
    });
    expect(approve.status(), await approve.text()).toBe(200);
    await expect
      .poll(() => row(page).getByTestId('template-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('APPROVED');
    expect(await row(page).getByTestId('template-status').textContent()).toBe('Approved');
    await shot(page, '04-list-approved');

    // Copy into another language: the form comes prefilled, the language cleared.
    await row(page).getByTestId('template-actions').click();
    await page.getByTestId('template-copy').click();
    expect(await page.getByTestId('template-name').inputValue()).toBe(name);
    expect(await page.getByTestId('template-body').inputValue()).toBe(
      'Hallo {{1}}, Ihre Bestellung ist abholbereit.',
    );
    expect(await page.getByTestId('template-language').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // 390 px wide: list and form.
    await page.setViewportSize({ width: 390, height: 844 });
    await row(page).waitFor();
    await shot(page, '05-list-390');
    await page.getByTestId('template-create').click();
    await page.getByTestId('template-body').fill('Hi {{1}}, welcome.');
    await shot(page, '06-form-390');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 860 });

    // Delete: a confirmation, then it is gone here and at the simulator.
    await row(page).getByTestId('template-actions').click();
    await page.getByTestId('template-delete').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Only this language is deleted').waitFor();
    await page.waitForTimeout(400); // the modal's fade-in, for the screenshot
    await shot(page, '07-delete');
    await dialog.getByRole('button', { name: 'Delete template' }).click();
    await expect.poll(() => row(page).count(), { timeout: 15_000 }).toBe(0);
    const list = await (await page.request.get(`${server.url}/api/v1/workspaces/${ws}/templates`)).json();
    expect(list.templates.map((t: { name: string }) => t.name)).not.toContain(name);
    expect(problems).toEqual([]);
  });
  it('an image header: the sample is checked, uploaded with progress, shown in the preview, and reaches the simulator as header_handle', async () => {
    const { page, problems } = await newContext(browser);
    const ws = await ownerWorkspace(page);
    const imageName = 'e2e_spring_image';
    await page.goto(`${server.url}/w/${ws}/settings/templates`);
    await page.getByTestId('template-create').click({ timeout: 15_000 });
    await page.getByTestId('template-name').fill(imageName);
    await page.getByTestId('template-language').click();
    await page
      .getByRole('option', { name: /\(de\)$/ })
      .first()
      .click();
    await page.getByTestId('template-header-type').click();
    await page.getByRole('option', { name: 'Image', exact: true }).click();
    await page.getByTestId('template-body').fill('Hallo, unser Frühlingsangebot ist da.');

    // Without a sample the form says so at the field.
    await page.getByTestId('template-submit').click();
    await page.getByText('A media header needs a sample file.').waitFor();

    // A GIF is refused before anything is uploaded, in place.
    const input = page.getByTestId('template-header-sample-input');
    expect(await input.getAttribute('accept')).toContain('image/png');
    await input.setInputFiles({ name: 'anim.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await page.getByText('anim.gif is not a JPEG or PNG image.').waitFor();

    await input.setInputFiles({ name: 'fruehling.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('template-header-sample-done').waitFor({ timeout: 15_000 });
    await page.getByTestId('template-header-sample').getByText('fruehling.png').waitFor();
    const preview = page.getByTestId('template-preview').getByTestId('template-preview-media');
    expect(await preview.evaluate((el) => el.tagName)).toBe('IMG');
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    await page.waitForTimeout(200);
    await shot(page, '08-form-image-header');

    await page.getByTestId('template-submit').click();
    await row(page, imageName).waitFor({ timeout: 15_000 });
    // The simulator refuses a media header without a handle it issued, so the row means it took it.
    const list = await (await page.request.get(`${server.url}/api/v1/workspaces/${ws}/templates`)).json();
    const created = list.templates.find((t: { name: string }) => t.name === imageName);
    expect(created.headerFormat).toBe('IMAGE');
    expect(created.components[0]).toMatchObject({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [expect.stringMatching(/^4::/)] },
    });
    expect(problems).toEqual([]);
  });
});
