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

const owner = { name: 'Anna Team', email: 'anna@team-e2e.test', password: 'Sauerteig braucht Zeit 24' };
const agent = { name: 'Ben Weber', email: 'ben@team-e2e.test', password: 'Roggenbrot am Morgen 31' };

async function inbound(page: Page, from: string, name: string, text: string): Promise<void> {
  const r = await page.request.post(`${server.url}/_sandbox/_sim/inbound`, {
    data: { from, name, message: { type: 'text', text: { body: text } } },
  });
  expect(r.status(), await r.text()).toBe(200);
}

async function setAvailability(page: Page, availability: 'available' | 'away'): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('availability-switch').waitFor();
  await page.getByTestId(`availability-${availability}`).click();
  await expect.poll(() => page.getByTestId('user-menu').getAttribute('data-availability')).toBe(availability);
}

/** Waits until a popover/menu has finished its open transition (fully opaque), for clean screenshots. */
async function opaque(page: Page, testId: string): Promise<void> {
  const el = page.getByTestId(testId);
  await el.waitFor();
  await expect
    .poll(() =>
      el.evaluate((node) => {
        for (let n: Element | null = node; n; n = n.parentElement) {
          const style = getComputedStyle(n);
          if (style.opacity !== '1') return false;
          if (!['none', 'matrix(1, 0, 0, 1, 0, 0)'].includes(style.transform)) return false;
        }
        return true;
      }),
    )
    .toBe(true);
}

describe('team inbox, two people in two browsers', () => {
  it('presence, collision, colleague replied, mentions, take and queue', async () => {
    const a = await newContext(browser);
    const b = await newContext(browser);
    const pageA = a.page;
    const pageB = b.page;
    const api = `${server.url}/api/v1`;

    // Setup: the owner over the API, then an agent invited and joined in the second browser.
    const ws = await setUpOwner(pageA, server, 'Team E2E', owner);
    const invite = await pageA.request.post(`${api}/workspaces/${ws}/invites`, { data: { role: 'agent' } });
    expect(invite.status(), await invite.text()).toBe(201);
    const { token } = (await invite.json()) as { token: string };
    const accepted = await pageB.request.post(`${api}/invites/${token}/accept`, { data: agent });
    expect(accepted.status(), await accepted.text()).toBe(200);
    const members = (await (await pageA.request.get(`${api}/workspaces/${ws}/members`)).json()) as {
      members: { userId: string; name: string }[];
    };
    const ownerId = members.members.find((m) => m.name === owner.name)?.userId;
    const agentId = members.members.find((m) => m.name === agent.name)?.userId;
    expect(ownerId).toBeTruthy();
    expect(agentId).toBeTruthy();

    await pageA.goto(server.url);
    await pageB.goto(server.url);
    await pageA.getByTestId('inbox-page').waitFor();
    await pageB.getByTestId('inbox-page').waitFor();

    // 2. A customer writes: both see the conversation live.
    const erika = { waId: '4915112345678', name: 'Erika Muster' };
    await inbound(pageA, erika.waId, erika.name, 'Hallo, ist die Torte fertig?');
    const rowA = pageA.getByTestId('conversation-row').filter({ hasText: erika.name });
    const rowB = pageB.getByTestId('conversation-row').filter({ hasText: erika.name });
    await pageA.getByTestId('inbox-tab-all').click();
    await pageB.getByTestId('inbox-tab-all').click();
    await rowA.waitFor({ timeout: 15_000 });
    await rowB.waitFor({ timeout: 15_000 });
    const conversationId = await rowA.getAttribute('data-conversation-id');
    expect(conversationId).toBeTruthy();

    // Both open it: each sees the other as viewing.
    // A opens it first and is already there when B arrives: B must still learn that A is viewing
    // (without waiting for A's next 20 s heartbeat).
    await rowA.click();
    await pageA.waitForURL(`**/inbox/${conversationId}`);
    await pageA.getByTestId('message-bubble').filter({ hasText: 'Torte' }).waitFor();
    await rowB.click();
    await pageB.waitForURL(`**/inbox/${conversationId}`);
    const collisionA = pageA.getByTestId('collision-indicator');
    const collisionB = pageB.getByTestId('collision-indicator');
    await expect.poll(() => collisionA.textContent(), { timeout: 10_000 }).toBe(`${agent.name} is viewing`);
    await expect.poll(() => collisionB.textContent(), { timeout: 10_000 }).toBe(`${owner.name} is viewing`);

    // 1. Presence: B goes away; A sees "(away)" next to B in the assignee picker, then B is back.
    await setAvailability(pageB, 'away');
    await pageB.getByTestId('user-menu').click();
    await opaque(pageB, 'availability-switch');
    expect(await pageB.getByTestId('availability-away').getAttribute('aria-checked')).toBe('true');
    await screenshot(pageB, 'team-inbox-01-availability-away');
    await pageB.keyboard.press('Escape');
    const picker = pageA.getByTestId('assignee-picker');
    const benOption = pageA.getByRole('option', { name: new RegExp(`^${agent.name}`) });
    await picker.click();
    await expect.poll(() => benOption.textContent(), { timeout: 15_000 }).toBe(`${agent.name} (away)`);
    await expect.poll(() => benOption.evaluate((n) => getComputedStyle(n).opacity)).toBe('1');
    await screenshot(pageA, 'team-inbox-02-colleague-away');
    await pageA.keyboard.press('Escape');
    await setAvailability(pageB, 'available');
    await pageB.keyboard.press('Escape');
    await picker.click();
    await expect.poll(() => benOption.textContent(), { timeout: 15_000 }).toBe(agent.name);
    await pageA.keyboard.press('Escape');

    // B types in the composer: A sees "typing".
    const inputA = pageA.getByTestId('composer-input');
    const inputB = pageB.getByTestId('composer-input');
    await inputB.click();
    await inputB.pressSequentially('Ja, ab 15 Uhr');
    await expect.poll(() => collisionA.textContent(), { timeout: 15_000 }).toBe(`${agent.name} is typing…`);
    await screenshot(pageA, 'team-inbox-03-colleague-typing');

    // 3. Colleague replied: A has a draft, B sends, A presses send → the modal.
    const draftA = 'Die Torte ist um 15 Uhr fertig.';
    await inputA.click();
    await inputA.pressSequentially(draftA);
    await inputB.press('Enter');
    const replyB = 'Ja, ab 15 Uhr';
    await pageB.getByTestId('message-bubble').filter({ hasText: replyB }).waitFor();
    await pageA.getByTestId('message-bubble').filter({ hasText: replyB }).waitFor({ timeout: 15_000 });
    await inputA.press('Enter');
    const modal = pageA.getByTestId('colleague-replied-modal');
    await modal.waitFor();
    expect(await modal.textContent()).toContain(`${agent.name} replied while you were typing.`);
    await screenshot(pageA, 'team-inbox-04-colleague-replied');
    // Review (cancel): nothing is sent, the draft stays.
    await pageA.getByTestId('colleague-replied-review').click();
    await modal.waitFor({ state: 'detached' });
    expect(await inputA.inputValue()).toBe(draftA);
    expect(await pageA.getByTestId('message-bubble').filter({ hasText: draftA }).count()).toBe(0);
    // Reviewed: this draft does not warn again; Enter sends it.
    await inputA.press('Enter');
    await pageA.getByTestId('message-bubble').filter({ hasText: draftA }).waitFor();
    await pageB.getByTestId('message-bubble').filter({ hasText: draftA }).waitFor({ timeout: 15_000 });
    expect(await modal.count()).toBe(0);
    expect(await inputA.inputValue()).toBe('');

    // Again, this time "Send anyway": the modal sends the draft as it is.
    const draftA2 = 'Und Kerzen legen wir gratis dazu.';
    const replyB2 = 'Kerzen haben wir auch.';
    await inputA.pressSequentially(draftA2);
    await inputB.fill(replyB2);
    await inputB.press('Enter');
    await pageA.getByTestId('message-bubble').filter({ hasText: replyB2 }).waitFor({ timeout: 15_000 });
    await inputA.press('Enter');
    await modal.waitFor();
    expect(await modal.textContent()).toContain(replyB2);
    await pageA.getByTestId('colleague-replied-send').click();
    await modal.waitFor({ state: 'detached' });
    await pageA.getByTestId('message-bubble').filter({ hasText: draftA2 }).waitFor();
    await pageB.getByTestId('message-bubble').filter({ hasText: draftA2 }).waitFor({ timeout: 15_000 });
    expect(await inputA.inputValue()).toBe('');

    // 4. A note mentioning B.
    await pageA.getByTestId('composer-mode-note').click();
    const noteInput = pageA.getByTestId('note-input');
    await noteInput.waitFor();
    await noteInput.click();
    await noteInput.pressSequentially('Kannst du das übernehmen, @Be');
    const mentionList = pageA.getByTestId('mention-list');
    await mentionList.getByRole('option', { name: `@${agent.name}` }).waitFor();
    await screenshot(pageA, 'team-inbox-05-mention-list');
    await mentionList.getByRole('option', { name: `@${agent.name}` }).click();
    await noteInput.pressSequentially('bitte bis 15 Uhr.');
    await pageA.getByTestId('note-send').click();
    const noteA = pageA.getByTestId('note-bubble').filter({ hasText: 'Kannst du das übernehmen' });
    await noteA.waitFor();
    expect(await noteA.textContent()).toContain(`@${agent.name}`);
    expect(await noteA.locator('.thread-mention').textContent()).toBe(`@${agent.name}`);
    await screenshot(pageA, 'team-inbox-06-note');
    // The note never went to the customer.
    const sent = (await (
      await pageA.request.get(`${server.url}/_sandbox/_sim/sent?to=${erika.waId}`)
    ).json()) as {
      body: { text?: { body?: string } };
    }[];
    expect(sent.some((m) => m.body?.text?.body?.includes('übernehmen'))).toBe(false);

    // B's bell: a mention notification that opens the conversation.
    await pageB.getByTestId('notification-badge').waitFor({ timeout: 15_000 });
    await pageB.getByTestId('notification-bell').click();
    const mention = pageB.locator('[data-testid="notification-item"][data-type="mention"]');
    await mention.first().waitFor();
    await opaque(pageB, 'notification-panel');
    expect(await mention.first().textContent()).toContain(owner.name);
    await screenshot(pageB, 'team-inbox-07-mention-notification');
    await mention.first().click();
    await pageB.waitForURL(`**/inbox/${conversationId}`);
    await pageB.getByTestId('note-bubble').filter({ hasText: 'Kannst du das übernehmen' }).waitFor();

    // 5. Take in one click: B takes it; both see the activity line.
    const takeB = pageB.getByTestId('take-button');
    await takeB.click();
    const tookB = pageB.getByTestId('activity-line').filter({ hasText: `${agent.name} took this` });
    const tookA = pageA.getByTestId('activity-line').filter({ hasText: `${agent.name} took this` });
    await tookB.waitFor({ timeout: 15_000 });
    await tookA.waitFor({ timeout: 15_000 });
    await takeB.waitFor({ state: 'detached' });
    await expect.poll(() => pageA.getByTestId('assignee-picker').inputValue()).toBe(agent.name);
    await screenshot(pageA, 'team-inbox-08-took');

    // The queue: automatic assignment on with nobody having capacity → new conversations wait.
    const channels = (await (await pageA.request.get(`${api}/workspaces/${ws}/channels`)).json()) as {
      channels: { id: string }[];
    };
    const channelId = channels.channels[0]?.id;
    expect(channelId).toBeTruthy();
    const routing = await pageA.request.put(`${api}/workspaces/${ws}/channels/${channelId}/routing`, {
      data: { autoAssign: 'round_robin', defaultTeamId: null, teamIds: [] },
    });
    expect(routing.status(), await routing.text()).toBe(200);
    for (const userId of [ownerId, agentId]) {
      const r = await pageA.request.patch(`${api}/workspaces/${ws}/members/${userId}/routing`, {
        data: { capacity: 0 },
      });
      expect(r.status(), await r.text()).toBe(204);
    }
    const max = { waId: '4917612345678', name: 'Max Kunde' };
    await inbound(pageA, max.waId, max.name, 'Haben Sie heute noch Brezeln?');
    await pageA.goto(`${server.url}/w/${ws}/inbox`);
    await pageA.getByTestId('inbox-tab-queue').click();
    const queued = pageA
      .getByTestId('queue-list')
      .getByTestId('conversation-row')
      .filter({ hasText: max.name });
    await queued.waitFor({ timeout: 15_000 });
    await queued.getByTestId('queue-waiting').waitFor();
    await screenshot(pageA, 'team-inbox-09-queue');
    const queuedId = await queued.getAttribute('data-conversation-id');
    await pageA.getByTestId('queue-take-button').first().click();
    await queued.waitFor({ state: 'detached', timeout: 15_000 });
    const conv = (await (
      await pageA.request.get(`${api}/workspaces/${ws}/conversations/${queuedId}`)
    ).json()) as { assigneeId: string | null; conversation?: { assigneeId: string | null } };
    expect(conv.assigneeId ?? conv.conversation?.assigneeId).toBe(ownerId);
    await pageA.getByTestId('inbox-tab-mine').click();
    await pageA.getByTestId('conversation-row').filter({ hasText: max.name }).waitFor();
    await screenshot(pageA, 'team-inbox-10-taken-from-queue');

    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    await b.context.close();
    await a.context.close();
  });
});
