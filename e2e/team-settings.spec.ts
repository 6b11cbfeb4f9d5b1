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
  name: 'Olga Owner',
  email: 'olga@team-settings-e2e.test',
  password: 'Teams arbeiten zusammen 7',
};
const agent = {
  name: 'Anton Agent',
  email: 'anton@team-settings-e2e.test',
  password: 'Labels nur ansehen 42',
};

const pad = (n: number) => String(n).padStart(2, '0');
const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Waits until no Mantine modal is open any more. */
async function dialogClosed(page: Page) {
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
}

describe('Settings → Labels, channel routing and people routing, end to end in Chromium', () => {
  it('manages labels, routing, capacity, absence and takeover; agents see labels read-only', async () => {
    const ownerSide = await newContext(browser);
    const page = ownerSide.page;
    const workspaceId = await setUpOwner(page, server, 'Team GmbH', owner);
    const api = `${server.url}/api/v1/workspaces/${workspaceId}`;
    const base = `${server.url}/w/${workspaceId}/settings`;

    // An agent joins (through an invite, by the API).
    const invite = await page.request.post(`${api}/invites`, { data: { role: 'agent', email: agent.email } });
    expect(invite.status(), await invite.text()).toBe(201);
    const { token } = (await invite.json()) as { token: string };
    const agentSide = await newContext(browser, { viewport: { width: 375, height: 812 } });
    const accepted = await agentSide.page.request.post(`${server.url}/api/v1/invites/${token}/accept`, {
      data: agent,
    });
    expect(accepted.status(), await accepted.text()).toBe(200);

    // ---- Labels ----
    await page.goto(`${base}/profile`);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Labels' })
      .click();
    await page.getByTestId('labels-page').waitFor();
    await page.getByText('No labels yet.').waitFor();

    // Create "VIP" with a typed colour.
    await page.getByTestId('label-new-button').click();
    let dialog = page.getByRole('dialog');
    await dialog.getByTestId('label-name-input').fill('VIP');
    // A preset swatch of the palette (a button, pressed once chosen).
    const swatch = dialog.getByRole('button', { name: 'Colour #1971c2' });
    await swatch.click();
    expect(await swatch.getAttribute('aria-pressed')).toBe('true');
    expect(await dialog.getByTestId('label-color-input').inputValue()).toBe('#1971c2');
    await screenshot(page, 'settings-labels-create');
    await dialog.getByTestId('label-save').click();
    await dialogClosed(page);
    const rows = page.getByTestId('label-row');
    await rows.filter({ hasText: 'VIP' }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('#1971c2');

    // The same name again (any case): refused in the form before any request.
    await page.getByTestId('label-new-button').click();
    dialog = page.getByRole('dialog');
    await dialog.getByTestId('label-name-input').fill('vip');
    await dialog.getByTestId('label-save').click();
    await dialog.getByText('A label with this name exists already.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialogClosed(page);

    // A name someone else just took: the server's label_name_taken is shown inline, no toast.
    const other = await page.request.post(`${api}/labels`, { data: { name: 'Rückruf', color: '#2f9e44' } });
    expect(other.status(), await other.text()).toBe(201);
    await page.getByTestId('label-new-button').click();
    dialog = page.getByRole('dialog');
    await dialog.getByTestId('label-name-input').fill('Rückruf');
    await dialog.getByTestId('label-save').click();
    await dialog.getByText('A label with this name exists already.').waitFor();
    await screenshot(page, 'settings-labels-duplicate');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialogClosed(page);
    await rows.filter({ hasText: 'Rückruf' }).waitFor();

    // Rename and recolour "VIP".
    await page.getByRole('button', { name: 'Edit label VIP' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByTestId('label-name-input').fill('VIP Kunde');
    await dialog.getByTestId('label-color-input').fill('#e03131');
    await dialog.getByTestId('label-save').click();
    await dialogClosed(page);
    await rows.filter({ hasText: 'VIP Kunde' }).waitFor();
    expect(await rows.filter({ hasText: 'VIP Kunde' }).textContent()).toContain('#e03131');
    await screenshot(page, 'settings-labels');

    // Delete it, after confirming.
    await page.getByRole('button', { name: 'Delete label VIP Kunde' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByText('Delete the label “VIP Kunde”?').waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await rows.filter({ hasText: 'VIP Kunde' }).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    const labelList = (await (await page.request.get(`${api}/labels`)).json()) as {
      labels: { name: string }[];
    };
    expect(labelList.labels.map((l) => l.name)).toEqual(['Rückruf']);

    // ---- Channel routing ----
    await page.goto(`${base}/channels`);
    const sandbox = page.getByTestId('channel-card').filter({ hasText: 'Sandbox' });
    await sandbox.waitFor();
    const channelId = (await sandbox.getAttribute('data-channel-id')) as string;
    await sandbox.getByTestId('channel-routing-button').click();
    dialog = page.getByRole('dialog');
    await page.getByTestId('channel-routing-modal').waitFor({ state: 'attached' });
    const auto = dialog.getByRole('switch', { name: 'Assign new conversations automatically' });
    await auto.waitFor();
    expect(await auto.isChecked()).toBe(false);
    await auto.check();
    await dialog.getByRole('radio', { name: 'Least busy' }).check();
    await screenshot(page, 'settings-channel-routing');
    await dialog.getByTestId('channel-routing-save').click();
    await dialogClosed(page);
    const saved = (await (await page.request.get(`${api}/channels/${channelId}/routing`)).json()) as {
      autoAssign: string;
      teamIds: string[];
    };
    expect(saved).toMatchObject({ autoAssign: 'least_busy', teamIds: [] });

    // Reopened after a reload: what was saved.
    await page.reload();
    await sandbox.getByTestId('channel-routing-button').click();
    dialog = page.getByRole('dialog');
    const autoAgain = dialog.getByRole('switch', { name: 'Assign new conversations automatically' });
    await autoAgain.waitFor();
    expect(await autoAgain.isChecked()).toBe(true);
    expect(await dialog.getByRole('radio', { name: 'Least busy' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialogClosed(page);

    // ---- People: capacity, absence, queue, takeover ----
    await page.goto(`${base}/people`);
    const queue = page.getByTestId('queue-length');
    await queue.waitFor();
    expect(await queue.textContent()).toBe('0');
    const ownerRow = page.getByTestId('agent-routing-row').filter({ hasText: owner.name });
    await ownerRow.waitFor();
    await ownerRow.getByTestId('member-routing-button').click();
    dialog = page.getByRole('dialog');
    await dialog.getByTestId('member-capacity-input').fill('3');
    const lastAbsentDay = new Date();
    lastAbsentDay.setDate(lastAbsentDay.getDate() + 10);
    await dialog.getByTestId('member-absent-until').fill(dateInput(lastAbsentDay));
    await screenshot(page, 'settings-member-routing');
    await dialog.getByTestId('member-routing-save').click();
    await dialogClosed(page);
    await ownerRow.getByTestId('agent-load').filter({ hasText: '0 of 3' }).waitFor();
    const shownDate = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(lastAbsentDay);
    await ownerRow.getByText(`Absent until ${shownDate}`).waitFor();
    const routing = (await (await page.request.get(`${api}/routing/agents`)).json()) as {
      agents: { name: string; capacity: number; absentUntil: string | null }[];
      queued: number;
    };
    const me = routing.agents.find((a) => a.name === owner.name)!;
    expect(me.capacity).toBe(3);
    expect(me.absentUntil).not.toBeNull();
    expect(routing.queued).toBe(0);

    // Take over the agent's open conversations (none yet): the result says so.
    const agentRow = page.getByTestId('agent-routing-row').filter({ hasText: agent.name });
    await agentRow.getByTestId('takeover-button').click();
    dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('takeover-to').inputValue()).toBe(
      (await ownerRow.getAttribute('data-user-id')) as string,
    );
    await dialog.getByTestId('takeover-submit').click();
    const result = dialog.getByTestId('takeover-result');
    await result.waitFor();
    expect(await result.getAttribute('data-moved')).toBe('0');
    expect(await result.textContent()).toContain('No conversations to move');
    await screenshot(page, 'settings-takeover-result');
    await dialog.getByTestId('takeover-done').click();
    await dialogClosed(page);
    // Without the toasts over the table.
    await expect.poll(() => page.locator('.mantine-Notification-root').count(), { timeout: 15_000 }).toBe(0);
    await screenshot(page, 'settings-people-routing');

    // ---- The agent: labels read-only ----
    const agentPage = agentSide.page;
    await agentPage.goto(`${base}/labels`);
    await agentPage.getByTestId('labels-page').waitFor();
    await agentPage.getByTestId('label-row').filter({ hasText: 'Rückruf' }).waitFor();
    await agentPage.getByText('Only owners and admins create, change and delete labels.').waitFor();
    expect(await agentPage.getByTestId('label-new-button').count()).toBe(0);
    expect(await agentPage.getByTestId('label-edit').count()).toBe(0);
    expect(await agentPage.getByTestId('label-delete').count()).toBe(0);
    await screenshot(agentPage, 'settings-labels-agent-phone');

    // … and the people page without routing controls, but with the queue.
    await agentPage.goto(`${base}/people`);
    await agentPage.getByTestId('queue-length').waitFor();
    await agentPage.getByTestId('agent-routing-row').first().waitFor();
    expect(await agentPage.getByTestId('member-routing-button').count()).toBe(0);
    await screenshot(agentPage, 'settings-people-agent-phone');

    // … and a channel's routing read-only.
    await agentPage.goto(`${base}/channels`);
    await agentPage.getByTestId('channel-routing-button').first().click();
    const agentDialog = agentPage.getByRole('dialog');
    const agentAuto = agentDialog.getByRole('switch', { name: 'Assign new conversations automatically' });
    await agentAuto.waitFor();
    expect(await agentAuto.isChecked()).toBe(true);
    expect(await agentAuto.isDisabled()).toBe(true);
    await agentDialog.getByText("Only owners and admins change a channel's routing.").waitFor();
    expect(await agentDialog.getByTestId('channel-routing-save').count()).toBe(0);
    await screenshot(agentPage, 'settings-channel-routing-agent-phone');

    expect(ownerSide.problems).toEqual([]);
    expect(agentSide.problems).toEqual([]);
    await agentSide.context.close();
    await ownerSide.context.close();
  });
});
