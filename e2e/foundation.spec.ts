import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, type RunningServer, screenshot, startServer } from './harness.js';

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

const owner = {
  name: 'Anna Schmidt',
  email: 'anna@baeckerei-e2e.test',
  password: 'Sauerteig braucht Zeit 24',
};
const agent = { name: 'Ben Weber', email: 'ben@baeckerei-e2e.test', password: 'Roggenbrot am Morgen 31' };

describe('foundation, end to end in Chromium', () => {
  it('setup → sign in → invite an agent → the agent joins in a second browser → the owner ends the agent’s session', async () => {
    const ownerSide = await newContext(browser);
    const page = ownerSide.page;

    // First visit: the one-time setup page.
    await page.goto(server.url);
    await page.waitForURL('**/setup');
    await page.getByLabel('Setup token').fill(server.setupToken);
    await page.getByLabel('Workspace name').fill('Bäckerei E2E');
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: false }).first().fill(owner.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('inbox-page').waitFor();
    await screenshot(page, 'foundation-01-inbox');

    // Sign out and back in.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-page').waitFor();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').first().fill(owner.password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('inbox-page').waitFor();

    // Invite an agent from Settings → People.
    const workspacePath = new URL(page.url()).pathname.split('/').slice(0, 3).join('/');
    await page.goto(`${server.url}${workspacePath}/settings/people`);
    await page.getByTestId('invite-open').click();
    await page.getByTestId('invite-create').click();
    const inviteField = page.getByTestId('invite-url');
    await inviteField.waitFor();
    const inviteUrl = (
      await inviteField.inputValue().catch(async () => (await inviteField.textContent()) ?? '')
    ).trim();
    expect(inviteUrl).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{20,}$`));
    await screenshot(page, 'foundation-02-invite');

    // The agent accepts in a second browser (own cookies) and lands in the app.
    const agentSide = await newContext(browser, { viewport: { width: 390, height: 844 } });
    await agentSide.page.goto(inviteUrl);
    await agentSide.page.getByLabel('Your name').fill(agent.name);
    await agentSide.page.getByLabel('Email').fill(agent.email);
    await agentSide.page.getByLabel('Password').first().fill(agent.password);
    await agentSide.page.getByTestId('invite-accept').click();
    await agentSide.page.getByTestId('inbox-page').waitFor();

    // The agent signs out and signs in again on the phone-sized screen.
    const agentPage = agentSide.page;
    await agentPage.getByTestId('user-menu').click();
    await agentPage.getByTestId('sign-out').click();
    await agentPage.getByTestId('signin-page').waitFor();
    await agentPage.getByLabel('Email').fill(agent.email);
    await agentPage.getByLabel('Password').first().fill(agent.password);
    await agentPage.getByTestId('signin-submit').click();
    await agentPage.getByTestId('inbox-page').waitFor();
    await screenshot(agentPage, 'foundation-03-agent-phone');

    // The owner sees the agent and ends all of their sessions.
    await page.reload();
    const row = page.getByTestId(`member-row-${agent.email}`);
    await row.waitFor();
    await row.getByTestId('member-end-sessions').click();
    await page.getByRole('dialog').getByRole('button', { name: 'End all sessions' }).click();

    // The agent's page is signed out live (Socket.IO), without reloading.
    await agentSide.page.getByTestId('signin-page').waitFor({ timeout: 15_000 });
    await screenshot(agentSide.page, 'foundation-04-agent-signed-out');
    const me = await agentSide.page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(me).toBe(401);

    expect(ownerSide.problems).toEqual([]);
    expect(agentSide.problems).toEqual([]);
    await agentSide.context.close();
    await ownerSide.context.close();
  });
});
