import path from 'node:path';
import { type RunningSimulator, startSimulator } from '@parley/wa-sim';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, type RunningServer, screenshot, startServer } from './harness.js';

const screenshotDir = path.resolve(import.meta.dirname, 'screenshots');
let server: RunningServer;
let browser: Browser;
let sim: RunningSimulator;

const real = {
  appSecret: 's3cret-s3cret',
  accessToken: 'tok-123456789',
  phoneNumberId: '123456',
  wabaId: '654321',
  displayPhoneNumber: '+49 30 1234567',
};

beforeAll(async () => {
  [server, browser, sim] = await Promise.all([
    startServer(),
    launchBrowser(),
    startSimulator({ port: 0, ...real }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await server?.stop();
});

/** The token after Meta rotated it (the simulator accepts only this one from then on). */
const renewedAccessToken = 'tok-renewed-987654321';

const owner = {
  name: 'Clara Owner',
  email: 'clara@channels-e2e.test',
  password: 'Kanäle verbinden ist leicht 7',
};
const agent = {
  name: 'Dieter Agent',
  email: 'dieter@channels-e2e.test',
  password: 'Nur lesen, nicht ändern 42',
};

async function fillCredentials(page: Page, accessToken: string) {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: false }).first().fill('Support DE');
  await dialog.getByLabel('Phone number ID').fill(real.phoneNumberId);
  await dialog.getByLabel('WhatsApp Business Account ID').fill(real.wabaId);
  await dialog.getByLabel('Access token').fill(accessToken);
  await dialog.getByLabel('App secret').fill(real.appSecret);
  if (!(await dialog.getByLabel('Graph API base URL').isVisible())) {
    await dialog.getByTestId('channel-advanced-toggle').click();
  }
  await dialog.getByLabel('Graph API base URL').fill(sim.url);
  await dialog.getByLabel('Graph API version').fill('v24.0');
}

/**
 * Light and dark screenshots of the page as it is now (after transitions settled). With a dialog open
 * only the viewport is taken: a full-page shot of a fixed overlay shows the page behind it cut up.
 */
async function screenshotsOf(page: Page, name: string) {
  const dialogOpen = await page.getByRole('dialog').isVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate((s) => document.documentElement.setAttribute('data-mantine-color-scheme', s), scheme);
    await page.waitForTimeout(400);
    if (dialogOpen) await page.screenshot({ path: `${screenshotDir}/${name}-${scheme}.png` });
    else await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
}

describe('Settings → Channels, end to end in Chromium', () => {
  it('lists the sandbox, connects a number through the guided modal, shows errors, and is read-only for agents', async () => {
    const ownerSide = await newContext(browser);
    const page = ownerSide.page;

    // Setup through the API (the browser context shares the cookie).
    const setup = await ownerSide.context.request.post(`${server.url}/api/v1/setup`, {
      data: { setupToken: server.setupToken, workspaceName: 'Kanal GmbH', ...owner },
    });
    expect(setup.status()).toBe(201);
    const me = (await setup.json()) as { workspaces: { workspaceId: string }[] };
    const workspaceId = me.workspaces[0]!.workspaceId;
    const base = `${server.url}/w/${workspaceId}/settings`;

    // Settings → Channels from the navigation.
    await page.goto(`${base}/profile`);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Channels' })
      .click();
    await page.getByTestId('channels-page').waitFor();
    expect(await page.getByTestId('channels-page').textContent()).toBe('Channels');
    const sandboxCard = page.getByTestId('channel-card').filter({ hasText: 'Sandbox' });
    await sandboxCard.waitFor();
    expect(await page.getByTestId('channel-card').count()).toBe(1);
    const phoneLink = sandboxCard.getByRole('link', { name: /Open the customer phone/ });
    expect(await phoneLink.getAttribute('href')).toBe('/_sandbox/_sim/phone/');
    expect(await phoneLink.getAttribute('target')).toBe('_blank');
    const sandboxId = await sandboxCard.getAttribute('data-channel-id');
    expect(await sandboxCard.getByLabel('Callback URL').inputValue()).toBe(
      `${server.url}/webhooks/whatsapp/${sandboxId}`,
    );
    await screenshotsOf(page, 'channels-01-list');

    // The guided modal: instructions, then the form.
    await page.getByTestId('channel-connect-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('whatsapp_business_messaging').waitFor();
    await screenshotsOf(page, 'channels-02-instructions');
    await dialog.getByTestId('channel-connect-next').click();

    // Empty form: marked fields, no request.
    await dialog.getByTestId('channel-connect-submit').click();
    await dialog.getByText('Enter a name (at most 80 characters).').waitFor();
    expect(await dialog.getByLabel('Phone number ID').getAttribute('aria-invalid')).toBe('true');

    // A wrong token: WhatsApp refuses, the alert says so.
    await fillCredentials(page, 'tok-wrong-wrong-wrong');
    await screenshotsOf(page, 'channels-03-form');
    await dialog.getByTestId('channel-connect-submit').click();
    const rejected = dialog.getByTestId('channel-credentials-rejected');
    await rejected.waitFor();
    expect(await rejected.textContent()).toContain('WhatsApp did not accept these credentials.');
    await screenshotsOf(page, 'channels-04-rejected');

    // The right token: connected, the webhook values are shown once.
    await dialog.getByLabel('Access token').fill(real.accessToken);
    await dialog.getByTestId('channel-connect-submit').click();
    const verifyToken = await dialog.getByTestId('channel-verify-token').inputValue();
    expect(verifyToken.length).toBeGreaterThanOrEqual(16);
    const webhookUrl = await dialog.getByTestId('channel-webhook-url').inputValue();
    expect(webhookUrl).toMatch(new RegExp(`^${server.url}/webhooks/whatsapp/[0-9a-f-]{36}$`));
    await dialog.getByText('Verify and save').waitFor();
    await screenshotsOf(page, 'channels-05-connected');
    await dialog.getByTestId('channel-connect-done').click();
    await dialog.waitFor({ state: 'hidden' });

    // The new card, with what WhatsApp told about the number.
    const newId = webhookUrl.split('/').pop()!;
    const card = page.locator(`[data-testid="channel-card"][data-channel-id="${newId}"]`);
    await card.waitFor();
    expect(await page.getByTestId('channel-card').count()).toBe(2);
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain('Support DE');
    expect(cardText).toMatch(/\+49 ?30 ?1234567/);
    expect(cardText).not.toContain('Sandbox');
    expect(await card.getByLabel('Callback URL').inputValue()).toBe(webhookUrl);

    // The same number again: already connected.
    await page.getByTestId('channel-connect-open').click();
    await dialog.getByTestId('channel-connect-next').click();
    await fillCredentials(page, real.accessToken);
    await dialog.getByTestId('channel-connect-submit').click();
    await dialog.getByText('This phone number is already connected in this workspace.').waitFor();
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Edit, by keyboard: Enter opens the dialog on the name, Escape closes it and the focus returns.
    const editOpen = card.getByTestId('channel-edit-open');
    expect(await editOpen.getAttribute('aria-label')).toBe('Edit “Support DE”');
    await editOpen.focus();
    await page.keyboard.press('Enter');
    const edit = page.getByRole('dialog', { name: 'Edit “Support DE”' });
    await edit.waitFor();
    const nameField = edit.getByLabel('Name', { exact: false }).first();
    expect(await nameField.inputValue()).toBe('Support DE');
    await page.waitForFunction(() => document.activeElement?.id === 'channel-edit-name');
    await screenshotsOf(page, 'channels-10-edit');
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'channel-edit-open',
    );

    // Rename the number: the card and a toast show the new name.
    await editOpen.click();
    await nameField.fill('Support Deutschland');
    await edit.getByTestId('channel-edit-submit').click();
    await page.getByText('“Support Deutschland” saved.', { exact: true }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByRole('heading', { name: 'Support Deutschland' }).waitFor();

    // Meta rotated the token. A wrong one is refused at its field; nothing is saved.
    const rotated = await fetch(`${sim.url}/_sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken: renewedAccessToken }),
    });
    expect(rotated.status).toBe(200);
    await card.getByTestId('channel-edit-open').click();
    const renamed = page.getByRole('dialog', { name: 'Edit “Support Deutschland”' });
    await renamed.waitFor();
    const tokenField = renamed.getByLabel('New access token');
    expect(await renamed.getByText('Leave empty to keep the current token.', { exact: false }).count()).toBe(
      1,
    );
    await renamed.getByText('System users').waitFor();
    await tokenField.fill('tok-wrong-wrong-wrong');
    await renamed.getByTestId('channel-edit-submit').click();
    const tokenRejected = renamed.getByTestId('channel-edit-token-rejected');
    await tokenRejected.waitFor();
    expect(await tokenRejected.textContent()).toContain('WhatsApp did not accept this token.');
    expect(await tokenField.getAttribute('aria-invalid')).toBe('true');
    expect(await tokenField.getAttribute('aria-describedby')).toContain(
      (await tokenRejected.locator('xpath=..').getAttribute('id')) ?? '(no id)',
    );
    await page.waitForFunction(() => document.activeElement?.id === 'channel-edit-accessToken');
    await screenshotsOf(page, 'channels-11-edit-rejected');

    // The renewed token: checked with WhatsApp and saved.
    await tokenField.fill(renewedAccessToken);
    await renamed.getByTestId('channel-edit-submit').click();
    await page
      .getByText('“Support Deutschland” saved. WhatsApp accepted the new access token.', { exact: true })
      .waitFor();
    await renamed.waitFor({ state: 'hidden' });
    await screenshotsOf(page, 'channels-12-edit-saved');

    // The sandbox can be renamed only: no secret fields.
    await sandboxCard.getByTestId('channel-edit-open').click();
    const sandboxEdit = page.getByRole('dialog', { name: 'Edit “Sandbox”' });
    await sandboxEdit
      .getByText("The sandbox's access token and app secret are managed by Parley.", { exact: false })
      .waitFor();
    expect(await sandboxEdit.getByLabel('New access token').count()).toBe(0);
    await sandboxEdit.getByRole('button', { name: 'Cancel' }).click();
    await sandboxEdit.waitFor({ state: 'hidden' });

    // Phone-sized screen: list and modal.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await page.getByTestId('channel-card').first().waitFor();
    await screenshotsOf(page, 'channels-06-phone-list');
    await page.getByTestId('channel-connect-open').click();
    await dialog.getByTestId('channel-connect-next').waitFor();
    await screenshotsOf(page, 'channels-07-phone-instructions');
    await dialog.getByTestId('channel-connect-next').click();
    await fillCredentials(page, 'tok-wrong-wrong-wrong');
    await dialog.getByTestId('channel-connect-submit').click();
    await dialog.getByTestId('channel-credentials-rejected').waitFor();
    await screenshotsOf(page, 'channels-08-phone-form');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The edit dialog at 390 px (full screen), with a field error.
    await page.setViewportSize({ width: 390, height: 844 });
    await card.getByTestId('channel-edit-open').click();
    await renamed.waitFor();
    await renamed.getByLabel('New app secret').fill('short');
    await renamed.getByTestId('channel-edit-submit').click();
    await renamed.getByText('Paste the app secret (at least 8 characters).').waitFor();
    await screenshotsOf(page, 'channels-13-phone-edit');
    const editOverflow = await page.evaluate(() => {
      const body = document.querySelector('[role="dialog"] .mantine-Modal-body');
      return (
        document.documentElement.scrollWidth > document.documentElement.clientWidth ||
        (body ? body.scrollWidth > body.clientWidth : true)
      );
    });
    expect(editOverflow).toBe(false);
    await renamed.getByRole('button', { name: 'Cancel' }).click();
    await renamed.waitFor({ state: 'hidden' });

    // An agent sees the list read-only.
    const invite = await ownerSide.context.request.post(
      `${server.url}/api/v1/workspaces/${workspaceId}/invites`,
      {
        data: { role: 'agent' },
      },
    );
    expect(invite.status()).toBe(201);
    const { token } = (await invite.json()) as { token: string };
    const agentSide = await newContext(browser, { viewport: { width: 375, height: 812 } });
    const accepted = await agentSide.context.request.post(`${server.url}/api/v1/invites/${token}/accept`, {
      data: agent,
    });
    expect(accepted.status()).toBeLessThan(300);
    await agentSide.page.goto(`${base}/channels`);
    await agentSide.page.getByTestId('channels-page').waitFor();
    await agentSide.page.getByTestId('channel-card').nth(1).waitFor();
    expect(await agentSide.page.getByTestId('channel-connect-open').count()).toBe(0);
    expect(await agentSide.page.getByTestId('channel-edit-open').count()).toBe(0);
    expect(await agentSide.page.getByText('Support Deutschland').count()).toBe(1);
    await screenshot(agentSide.page, 'channels-09-agent-phone');

    expect(ownerSide.problems).toEqual([]);
    expect(agentSide.problems).toEqual([]);
    await agentSide.context.close();
    await ownerSide.context.close();
  });
});
