import type { NotificationSettings } from '@parley/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import webpush from 'web-push';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { instanceSettings, memberships, notifications, pushSubscriptions } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { defineJob } from '../../jobs/define-job.js';
import { PRESENCE_TIMEOUT_MS } from '../assignment/auto-assign.js';

export const defaultNotificationSettings: NotificationSettings = {
  push: { mention: true, assignment: true, message: false },
  sound: true,
};

export function notificationSettingsOf(stored: unknown): NotificationSettings {
  const s = (stored ?? {}) as Partial<NotificationSettings>;
  return {
    push: { ...defaultNotificationSettings.push, ...(s.push ?? {}) },
    sound: s.sound ?? defaultNotificationSettings.sound,
  };
}

type Vapid = { publicKey: string; privateKey: string };
let cached: { db: DbOrTx; keys: Vapid } | null = null;

/**
 * The instance's VAPID key pair, made on first use; the private key is stored encrypted with the
 * instance key (instance_settings `vapid`).
 */
export async function vapidKeys(ctx: AppContext): Promise<Vapid> {
  if (cached?.db === ctx.db) return cached.keys;
  const [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, 'vapid'));
  let keys: Vapid;
  if (row) {
    const v = row.value as { publicKey: string; privateKey: string };
    keys = { publicKey: v.publicKey, privateKey: ctx.keyring.decryptInstance(v.privateKey, 'vapid') };
  } else {
    const made = webpush.generateVAPIDKeys();
    await ctx.db
      .insert(instanceSettings)
      .values({
        key: 'vapid',
        value: {
          publicKey: made.publicKey,
          privateKey: ctx.keyring.encryptInstance(made.privateKey, 'vapid'),
        },
      })
      .onConflictDoNothing();
    // Another node may have won the race: read back what is stored.
    cached = null;
    return vapidKeys(ctx);
  }
  cached = { db: ctx.db, keys };
  return keys;
}

/**
 * Push services are third parties (Google, Mozilla, Apple): only https endpoints on a public host are
 * accepted, so a subscription cannot make the server call into the local network. Tests may allow
 * loopback http with PARLEY_PUSH_ALLOW_LOOPBACK=1.
 */
export function assertPushEndpoint(endpoint: string, allowLoopback: boolean) {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  if (allowLoopback && loopback) return;
  const privateHost =
    loopback ||
    /^(10|127)\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    (host.includes(':') && /^(fc|fd|fe80|::)/i.test(host)) ||
    /^\d+$/.test(host) ||
    !host.includes('.');
  if (url.protocol !== 'https:' || privateHost)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.endpoint', message: 'A push service address (https, public host)' }],
    });
}

export async function subscribe(
  ctx: AppContext,
  userId: string,
  input: { endpoint: string; keys: { p256dh: string; auth: string } },
  userAgent: string | null,
) {
  assertPushEndpoint(input.endpoint, ctx.config.pushAllowLoopback);
  await ctx.db
    .insert(pushSubscriptions)
    .values({ userId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent },
    });
}

export async function unsubscribe(ctx: AppContext, userId: string, endpoint: string) {
  await ctx.db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
}

const TITLES: Record<string, { en: string; de: string }> = {
  mention: { en: 'You were mentioned', de: 'Sie wurden erwähnt' },
  assignment: { en: 'A conversation was assigned to you', de: 'Ihnen wurde eine Unterhaltung zugewiesen' },
  message: { en: 'New message in your conversation', de: 'Neue Nachricht in Ihrer Unterhaltung' },
  scheduled_failed: {
    en: 'A scheduled message could not be sent',
    de: 'Eine geplante Nachricht konnte nicht gesendet werden',
  },
};

/**
 * Sends one notification as Web Push to the person's browsers — only when none of their tabs is
 * connected and their settings want this kind. The payload carries no personal data (push services
 * are foreign clouds): a fixed title and the link to open. Gone subscriptions (404/410) are removed.
 */
export const pushNotificationJob = defineJob({
  name: 'notifications.push',
  payload: z.object({ notificationId: z.uuid() }),
  async run(ctx, { notificationId }) {
    const [n] = await ctx.db.select().from(notifications).where(eq(notifications.id, notificationId));
    if (!n || n.readAt) return;
    const [m] = await ctx.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, n.workspaceId), eq(memberships.userId, n.userId)));
    if (m?.status !== 'active') return;
    const settings = notificationSettingsOf(m.notificationSettings);
    const kind = n.type === 'scheduled_failed' ? 'message' : n.type;
    if (!settings.push[kind]) return;
    const online = m.presenceSeenAt && Date.now() - m.presenceSeenAt.getTime() < PRESENCE_TIMEOUT_MS;
    if (online) return;
    const subs = await ctx.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, n.userId));
    if (subs.length === 0) return;
    const keys = await vapidKeys(ctx);
    const title = TITLES[n.type] ?? TITLES.message!;
    const payload = JSON.stringify({
      title: title.en,
      titleDe: title.de,
      url: n.conversationId ? `/w/${n.workspaceId}/inbox/${n.conversationId}` : `/w/${n.workspaceId}/inbox`,
      tag: n.conversationId ?? n.id,
    });
    const subject =
      ctx.config.publicUrl.protocol === 'https:' ? ctx.config.publicUrl.origin : 'mailto:push@parley.invalid';
    const gone: string[] = [];
    for (const s of subs) {
      try {
        // web-push builds the encrypted, VAPID-signed request; we send it (no redirects, a timeout).
        const req = webpush.generateRequestDetails(
          { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
          payload,
          { TTL: 3600, vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey } },
        );
        const res = await fetch(req.endpoint, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: req.body ? new Uint8Array(req.body) : null,
          redirect: 'error',
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 404 || res.status === 410) gone.push(s.id);
        else if (!res.ok) ctx.log.warn({ status: res.status }, 'web push refused');
        else
          await ctx.db
            .update(pushSubscriptions)
            .set({ lastUsedAt: new Date() })
            .where(eq(pushSubscriptions.id, s.id));
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'web push failed');
      }
    }
    if (gone.length > 0) await ctx.db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, gone));
  },
});
