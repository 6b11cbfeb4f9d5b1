import { createSimCore, type SimCore, waSimPlugin } from '@parley/wa-sim';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { channels } from '../../db/schema.js';
import { sessionCookieName } from '../../http/auth.js';
import { findSessionByToken } from '../auth/sessions.js';
import { channelVerifyToken, createChannel } from '../channels/service.js';

export const SANDBOX_PREFIX = '/_sandbox';
export const SANDBOX_PHONE_NUMBER_ID = '100000000000001';
export const SANDBOX_WABA_ID = '100000000000002';

export type Sandbox = {
  core: SimCore;
  /** Connects a workspace's sandbox channel (first run) and points the simulator's webhooks at it. */
  ensureChannel(workspaceId: string, userId: string): Promise<void>;
  /** After listen: re-points the simulator at the existing sandbox channel. */
  connect(): Promise<void>;
};

/** The address this process is reachable at from itself (the sandbox calls its own Graph API and webhook). */
function internalUrl(app: FastifyInstance): string {
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server is not listening');
  const host = ['0.0.0.0', '::', '::1', 'localhost'].includes(addr.address) ? '127.0.0.1' : addr.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}

/**
 * The sandbox WhatsApp number: the simulator mounted under /_sandbox (Graph API, control API and the
 * customer-phone page). Its control API and phone page need a signed-in person; its Graph API needs
 * the sandbox's own access token. Credentials derive from the instance key, so they survive restarts.
 */
export async function mountSandbox(app: FastifyInstance, ctx: AppContext): Promise<Sandbox> {
  const appSecret = ctx.keyring.instanceSecret('sandbox/app-secret');
  const accessToken = ctx.keyring.instanceSecret('sandbox/access-token');
  const core = createSimCore({
    appSecret,
    accessToken,
    phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
    wabaId: SANDBOX_WABA_ID,
    displayPhoneNumber: '+49 30 5550 0000',
    verifiedName: 'Parley Sandbox',
    publicBaseUrl: new URL(SANDBOX_PREFIX, ctx.config.publicUrl).toString().replace(/\/$/, ''),
    statusDelays: { sentMs: 300, deliveredMs: 900, readMs: null },
    // Every signed-in person reaches its control API; the credentials stay Parley's (channels: 409).
    credentialsLocked: true,
    logger: false,
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (!path.startsWith(`${SANDBOX_PREFIX}/_sim`)) return;
      const token = request.cookies[sessionCookieName(ctx)];
      const found = token ? await findSessionByToken(ctx.db, ctx.config, token) : null;
      if (!found) {
        if (request.method === 'GET' && path.startsWith(`${SANDBOX_PREFIX}/_sim/phone`)) {
          return reply.redirect(`/signin?next=${encodeURIComponent(`${SANDBOX_PREFIX}/_sim/phone/`)}`);
        }
        return reply.code(401).send({
          error: {
            code: 'unauthenticated',
            message: 'Sign in to use the sandbox.',
            requestId: String(request.id),
          },
        });
      }
    });
    await scope.register(waSimPlugin, {
      prefix: SANDBOX_PREFIX,
      core,
      appSecret,
      accessToken,
      phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
      wabaId: SANDBOX_WABA_ID,
    });
  });

  async function pointAt(channelId: string, verifyToken: string) {
    core.options.webhookUrl = `${internalUrl(app)}/webhooks/whatsapp/${channelId}`;
    core.options.verifyToken = verifyToken;
    core.deliverer.reconfigure(core.options.webhookUrl, verifyToken);
  }

  return {
    core,
    async ensureChannel(workspaceId, userId) {
      const [existing] = await ctx.db
        .select()
        .from(channels)
        .where(and(eq(channels.workspaceId, workspaceId), eq(channels.isSandbox, true)));
      if (existing) return;
      const { channel, verifyToken } = await createChannel(
        ctx,
        { workspaceId, user: { id: userId } },
        {
          type: 'whatsapp',
          name: 'Sandbox',
          phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
          wabaId: SANDBOX_WABA_ID,
          accessToken,
          appSecret,
          graphBaseUrl: `${internalUrl(app)}${SANDBOX_PREFIX}`,
          graphApiVersion: 'v24.0',
          isSandbox: true,
        },
        null,
      );
      await pointAt(channel.id, verifyToken);
    },
    async connect() {
      const [ch] = await ctx.db
        .select()
        .from(channels)
        .where(eq(channels.isSandbox, true))
        .orderBy(asc(channels.createdAt))
        .limit(1);
      if (!ch) return;
      const base = `${internalUrl(app)}${SANDBOX_PREFIX}`;
      if (ch.graphBaseUrl !== base) {
        // The port may differ from the last run.
        await ctx.db
          .update(channels)
          .set({ graphBaseUrl: base, updatedAt: new Date() })
          .where(eq(channels.id, ch.id));
      }
      await pointAt(ch.id, await channelVerifyToken(ctx, ctx.db, ch));
    },
  };
}
