import { afterEach, describe, expect, it } from 'vitest';
import type { StartSimulatorOptions } from '../server.js';
import {
  call,
  type Harness,
  inbound,
  openWindow,
  send,
  startHarness,
  text,
  waitFor,
} from '../test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(extra: Partial<StartSimulatorOptions> = {}) {
  h = await startHarness(extra);
  return h;
}

const control = (path: string, body?: unknown) => call(h!.sim, 'POST', path, body, { auth: false });

async function failedCode(id: string): Promise<number> {
  const status = await waitFor(
    () => h!.receiver.statuses().find((s) => s.id === id && s.status === 'failed'),
    10_000,
    `failed ${id}`,
  );
  return status.errors[0].code;
}

async function delivered(id: string): Promise<boolean> {
  const status = await waitFor(
    () =>
      h!.receiver.statuses().find((s) => s.id === id && (s.status === 'delivered' || s.status === 'failed')),
    10_000,
    `status of ${id}`,
  );
  return status.status === 'delivered';
}

const template = (to: string, name = 'hello_world', extra: Record<string, unknown> = {}) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: { name, language: { code: 'en_US' } },
  ...extra,
});

async function createMarketingTemplate(name = 'promo_week') {
  const created = await call(h!.sim, 'POST', '/v25.0/100000000000001/message_templates', {
    name,
    language: 'en_US',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Big sale this week only.' }],
  });
  await waitFor(() => h!.sim.core.templates.templates.get(created.body.id)?.status === 'APPROVED');
}

describe('24-hour customer-service window (131047)', () => {
  it('accepts free-form text outside the window and fails it asynchronously (default)', async () => {
    await start();
    const answer = await send(h!.sim, text('4917000000001'));
    expect(answer.status).toBe(200);
    expect(await failedCode(answer.body.messages[0].id)).toBe(131047);
  });

  it('delivers inside the window and fails again once the simulated clock moves past 24 h', async () => {
    await start();
    await openWindow(h!.sim, '4917000000002');
    const inside = await send(h!.sim, text('4917000000002'));
    expect(await delivered(inside.body.messages[0].id)).toBe(true);
    await control('/_sim/clock', { advance: '25h' });
    const outside = await send(h!.sim, text('4917000000002'));
    expect(await failedCode(outside.body.messages[0].id)).toBe(131047);
  });

  it('answers synchronously with 400 in sync mode; templates are allowed outside the window', async () => {
    await start({ rules: { windowErrorMode: 'sync' } });
    const answer = await send(h!.sim, text('4917000000003'));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(131047);
    const templated = await send(h!.sim, template('4917000000003'));
    expect(templated.status).toBe(200);
    expect(await delivered(templated.body.messages[0].id)).toBe(true);
  });

  it('a reaction does not open the window unless configured', async () => {
    await start();
    await inbound(h!.sim, {
      from: '4917000000004',
      message: { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
    });
    const answer = await send(h!.sim, text('4917000000004'));
    expect(await failedCode(answer.body.messages[0].id)).toBe(131047);
  });

  it('can be switched off', async () => {
    await start({ rules: { customerServiceWindow: false } });
    const answer = await send(h!.sim, text('4917000000005'));
    expect(await delivered(answer.body.messages[0].id)).toBe(true);
  });
});

describe('throughput per number (130429)', () => {
  it('rejects sends beyond the configured messages per second', async () => {
    await start({ rules: { throughputMps: 5, pairRateLimit: false } });
    await openWindow(h!.sim, '4917000000010');
    const answers = [];
    for (let i = 0; i < 12; i += 1) answers.push(await send(h!.sim, text('4917000000010', `m${i}`)));
    const rejected = answers.filter((answer) => answer.status === 429);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]!.body.error.code).toBe(130429);
  });

  it('refuses a throughput above 1,000 mps', async () => {
    await start();
    const answer = await control('/_sim/config', { rules: { throughputMps: 5000 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(100);
  });
});

describe('pair rate limit (131056)', () => {
  it('allows a burst, then rejects the same recipient while others still go through', async () => {
    await start({ rules: { pairBurst: 3, pairIntervalMs: 6000 } });
    await openWindow(h!.sim, '4917000000020');
    await openWindow(h!.sim, '4917000000021');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await send(h!.sim, text('4917000000020', `m${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 400]);
    const blocked = await send(h!.sim, text('4917000000020', 'again'));
    expect(blocked.body.error.code).toBe(131056);
    expect((await send(h!.sim, text('4917000000021'))).status).toBe(200);
  });
});

describe('messaging limit (unique users per rolling 24 h)', () => {
  it('fails business-initiated templates beyond the tier; replies inside the window do not count', async () => {
    await start({ rules: { messagingLimitTier: 'TIER_50' } });
    const ids: string[] = [];
    for (let i = 0; i < 51; i += 1) {
      const answer = await send(h!.sim, template(`49171000${String(i).padStart(5, '0')}`));
      ids.push(answer.body.messages[0].id);
    }
    expect(await failedCode(ids[50]!)).toBe(131048);
    expect(await delivered(ids[49]!)).toBe(true);
    await openWindow(h!.sim, '4917200000000');
    const inWindow = await send(h!.sim, template('4917200000000'));
    expect(await delivered(inWindow.body.messages[0].id)).toBe(true);
    await control('/_sim/clock', { advance: '25h' });
    const nextDay = await send(h!.sim, template('4917300000000'));
    expect(await delivered(nextDay.body.messages[0].id)).toBe(true);
  });
});

describe('marketing rules', () => {
  it('131050 after the customer stopped marketing (and a user_preferences webhook)', async () => {
    await start();
    await createMarketingTemplate();
    const stop = await control('/_sim/customers', {
      wa_id: '4917400000001',
      name: 'Eva',
      marketing_opt_out: true,
    });
    expect(stop.body.marketing_opt_out).toBe(true);
    const preference = await waitFor(() => h!.receiver.changes('user_preferences')[0]);
    expect(preference.user_preferences[0]).toMatchObject({
      wa_id: '4917400000001',
      category: 'marketing_messages',
      value: 'stop',
    });
    const answer = await send(h!.sim, template('4917400000001', 'promo_week'));
    expect(await failedCode(answer.body.messages[0].id)).toBe(131050);
  });

  it('131049 beyond the per-user marketing cap', async () => {
    await start({ rules: { perUserMarketingLimit: 1 } });
    await createMarketingTemplate();
    const first = await send(h!.sim, template('4917400000002', 'promo_week'));
    const second = await send(h!.sim, template('4917400000002', 'promo_week'));
    expect(await delivered(first.body.messages[0].id)).toBe(true);
    expect(await failedCode(second.body.messages[0].id)).toBe(131049);
  });

  it('131049 for marketing to US numbers (switchable)', async () => {
    await start();
    await createMarketingTemplate();
    const us = await send(h!.sim, template('+1 (555) 020-0002', 'promo_week'));
    expect(await failedCode(us.body.messages[0].id)).toBe(131049);
    await control('/_sim/config', { rules: { usMarketingBlocked: false } });
    const allowed = await send(h!.sim, template('15550200003', 'promo_week'));
    expect(await delivered(allowed.body.messages[0].id)).toBe(true);
  });
});

describe('blocked and unreachable users', () => {
  it('130403 for a user the business blocked via block_users; unblocking restores sending', async () => {
    await start();
    await openWindow(h!.sim, '4917500000001');
    const blocked = await call(h!.sim, 'POST', '/v25.0/200000000000002/block_users', {
      messaging_product: 'whatsapp',
      block_users: [{ user: '+4917500000001' }],
    });
    expect(blocked.body.block_users.added_users[0].wa_id).toBe('4917500000001');
    const answer = await send(h!.sim, text('4917500000001'));
    expect(answer.body.error.code).toBe(130403);
    await call(h!.sim, 'DELETE', '/v25.0/200000000000002/block_users', {
      messaging_product: 'whatsapp',
      block_users: [{ user: '4917500000001' }],
    });
    expect((await send(h!.sim, text('4917500000001'))).status).toBe(200);
  });

  it('messages from a user the business blocked do not reach the webhook', async () => {
    await start();
    await call(h!.sim, 'POST', '/v25.0/200000000000002/block_users', {
      messaging_product: 'whatsapp',
      block_users: [{ user: '4917500000009' }],
    });
    const answer = await call(
      h!.sim,
      'POST',
      '/_sim/inbound?wait=true',
      { from: '4917500000009', message: { type: 'text', text: { body: 'hello?' } } },
      { auth: false },
    );
    expect(answer.body.delivered).toBe(false);
    expect(h!.receiver.messages().find((m) => m.id === answer.body.id)).toBeUndefined();
  });

  it('131026 for a customer not on WhatsApp or who blocked the business', async () => {
    await start();
    await control('/_sim/customers', { wa_id: '4917500000002', not_on_whatsapp: true });
    await control('/_sim/customers', { wa_id: '4917500000003', blocked_business: true });
    const a = await send(h!.sim, template('4917500000002'));
    const b = await send(h!.sim, template('4917500000003'));
    expect(await failedCode(a.body.messages[0].id)).toBe(131026);
    expect(await failedCode(b.body.messages[0].id)).toBe(131026);
  });

  it('no read status when the customer turned read receipts off', async () => {
    await start();
    await control('/_sim/customers', { wa_id: '4917500000004', read_receipts: false });
    const answer = await send(h!.sim, template('4917500000004'));
    const id = answer.body.messages[0].id;
    await waitFor(() => h!.receiver.statuses().find((s) => s.id === id && s.status === 'delivered'));
    await control('/_sim/customers/4917500000004/read');
    await h!.sim.webhooksIdle();
    expect(
      h!.receiver
        .statuses()
        .filter((s) => s.id === id)
        .map((s) => s.status)
        .sort(),
    ).toEqual(['delivered', 'sent']);
  });
});

describe('customer reads (phone page / control API)', () => {
  it('emits read only when the customer reads if automatic reads are off', async () => {
    await start({ statusDelays: { readMs: null } });
    const answer = await send(h!.sim, template('4917600000001'));
    const id = answer.body.messages[0].id;
    await waitFor(() => h!.receiver.statuses().find((s) => s.id === id && s.status === 'delivered'));
    const read = await control('/_sim/customers/4917600000001/read');
    expect(read.body.read).toBe(1);
    await waitFor(() => h!.receiver.statuses().find((s) => s.id === id && s.status === 'read'));
  });
});
