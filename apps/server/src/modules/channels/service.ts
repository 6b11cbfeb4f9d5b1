import crypto from 'node:crypto';
import type { CreateChannelRequest, FieldIssue, UpdateChannelRequest } from '@parley/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { channels } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordAudit } from '../audit/service.js';
import { syncTemplatesJob } from '../templates/sync-templates.job.js';
import {
  DEFAULT_GRAPH_API_VERSION,
  GraphApiError,
  type GraphCredentials,
  getPhoneNumber,
  META_GRAPH_BASE_URL,
} from '../whatsapp/graph-client.js';

export type ChannelRow = typeof channels.$inferSelect;

export function webhookUrlOf(ctx: AppContext, channelId: string): string {
  return new URL(`/webhooks/whatsapp/${channelId}`, ctx.config.publicUrl).toString();
}

/** The decrypted credentials of a channel, for the Graph API client. */
export async function channelCredentials(
  ctx: AppContext,
  db: DbOrTx,
  ch: ChannelRow,
): Promise<GraphCredentials> {
  return {
    baseUrl: ch.graphBaseUrl,
    apiVersion: ch.graphApiVersion,
    phoneNumberId: ch.phoneNumberId,
    accessToken: await ctx.keyring.decrypt(
      db,
      ch.workspaceId,
      ch.accessToken,
      `channels.access_token:${ch.id}`,
    ),
  };
}

export async function channelAppSecret(ctx: AppContext, db: DbOrTx, ch: ChannelRow): Promise<string> {
  return ctx.keyring.decrypt(db, ch.workspaceId, ch.appSecret, `channels.app_secret:${ch.id}`);
}

export async function channelVerifyToken(ctx: AppContext, db: DbOrTx, ch: ChannelRow): Promise<string> {
  return ctx.keyring.decrypt(db, ch.workspaceId, ch.verifyToken, `channels.verify_token:${ch.id}`);
}

type SecretColumn = 'access_token' | 'app_secret' | 'verify_token';

/**
 * Encrypts one of a channel's secrets with the workspace key, bound to its column and channel id (the
 * associated data the decrypt functions above check), so a ciphertext cannot be moved to another one.
 */
function encryptSecret(
  ctx: AppContext,
  workspaceId: string,
  channelId: string,
  column: SecretColumn,
  value: string,
): Promise<string> {
  return ctx.keyring.encrypt(ctx.db, workspaceId, value, `channels.${column}:${channelId}`);
}

/**
 * Asks the Graph API about the number with these credentials: the check before anything is stored.
 * Errors: whatsapp_credentials_rejected (422, with `issues` when given), whatsapp_unreachable (502).
 */
async function lookUpNumber(creds: GraphCredentials, rejectedIssues?: FieldIssue[]) {
  try {
    return await getPhoneNumber(creds);
  } catch (err) {
    if (err instanceof GraphApiError && !err.transport) {
      throw new AppError('whatsapp_credentials_rejected', {
        graphCode: err.code,
        graphTitle: err.title,
        ...(rejectedIssues ? { issues: rejectedIssues } : {}),
      });
    }
    throw new AppError('whatsapp_unreachable');
  }
}

/** What the Graph API says about a number, as channel columns. */
function numberColumns(info: Awaited<ReturnType<typeof getPhoneNumber>>) {
  return {
    displayPhoneNumber: info.display_phone_number ?? null,
    qualityRating: info.quality_rating ?? null,
    messagingLimit: info.messaging_limit_tier ?? null,
    throughputLevel: info.throughput?.level ?? null,
  };
}

/**
 * Connects a WhatsApp number: checks the credentials against the Graph API (GET phone number), then
 * stores the channel with its access token, app secret and verify token encrypted.
 * Errors: whatsapp_credentials_rejected (422), whatsapp_unreachable (502), channel_phone_taken (409).
 */
export async function createChannel(
  ctx: AppContext,
  actor: Member | { workspaceId: string; user: { id: string } },
  input: CreateChannelRequest & { isSandbox?: boolean },
  ipPrefix: string | null,
) {
  const creds: GraphCredentials = {
    baseUrl: input.graphBaseUrl ?? META_GRAPH_BASE_URL,
    apiVersion: input.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
    accessToken: input.accessToken,
    phoneNumberId: input.phoneNumberId,
  };
  const info = await lookUpNumber(creds);
  const verifyToken = input.verifyToken ?? crypto.randomBytes(24).toString('base64url');
  const id = crypto.randomUUID();
  const ws = actor.workspaceId;
  const enc = (value: string, column: SecretColumn) => encryptSecret(ctx, ws, id, column, value);
  // Encrypt before the transaction: on PGlite the transaction holds the only connection.
  const secrets = {
    accessToken: await enc(input.accessToken, 'access_token'),
    appSecret: await enc(input.appSecret, 'app_secret'),
    verifyToken: await enc(verifyToken, 'verify_token'),
  };
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [ch] = await tx
        .insert(channels)
        .values({
          id,
          workspaceId: ws,
          type: 'whatsapp',
          name: input.name,
          phoneNumberId: input.phoneNumberId,
          wabaId: input.wabaId,
          ...numberColumns(info),
          graphBaseUrl: creds.baseUrl,
          graphApiVersion: creds.apiVersion,
          ...secrets,
          isSandbox: input.isSandbox ?? false,
        })
        .returning();
      await enqueueJob(
        tx,
        syncTemplatesJob,
        { channelId: id },
        { workspaceId: ws, singletonKey: `templates:${id}:connect` },
      );
      await recordAudit(ctx, tx, {
        type: 'channel.connected',
        workspaceId: ws,
        actorId: actor.user.id,
        subjectType: 'channel',
        subjectId: id,
        ipPrefix,
        data: { sandbox: input.isSandbox ?? false },
      });
      return ch!;
    });
    return { channel: row, verifyToken };
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('channel_phone_taken');
    throw err;
  }
}

/**
 * Renames a connected number and/or renews its access token or app secret. A new access token is
 * checked against the Graph API first (nothing is stored when WhatsApp refuses it) and refreshes the
 * display number, quality rating, messaging limit and throughput level from the answer. Secrets are
 * encrypted like at connect; the audit entry `channel.updated` names the fields sent, never values.
 * After commit the webhook cache of this node forgets the channel, so a new app secret counts at once.
 * Errors: not_found (404, also for another workspace's channel), conflict (409, credentials of the
 * sandbox number), whatsapp_credentials_rejected (422, issue on `body.accessToken`),
 * whatsapp_unreachable (502).
 */
export async function updateChannel(
  ctx: AppContext,
  actor: Member,
  channelId: string,
  input: UpdateChannelRequest,
  ipPrefix: string | null,
): Promise<ChannelRow> {
  const ws = actor.workspaceId;
  const ch = await getChannel(ctx.db, ws, channelId);
  const credentialFields = (['accessToken', 'appSecret'] as const).filter((f) => input[f] !== undefined);
  if (ch.isSandbox && credentialFields.length > 0) {
    const message =
      "The sandbox number's access token and app secret are managed by Parley and cannot be changed. Its name can.";
    throw new AppError(
      'conflict',
      { issues: credentialFields.map((f) => ({ path: `body.${f}`, message })) },
      message,
    );
  }
  const info =
    input.accessToken === undefined
      ? null
      : await lookUpNumber(
          {
            baseUrl: ch.graphBaseUrl,
            apiVersion: ch.graphApiVersion,
            phoneNumberId: ch.phoneNumberId,
            accessToken: input.accessToken,
          },
          [{ path: 'body.accessToken', message: 'WhatsApp did not accept this access token' }],
        );
  // Encrypt before the transaction: on PGlite the transaction holds the only connection.
  const secrets = {
    ...(input.accessToken === undefined
      ? {}
      : { accessToken: await encryptSecret(ctx, ws, ch.id, 'access_token', input.accessToken) }),
    ...(input.appSecret === undefined
      ? {}
      : { appSecret: await encryptSecret(ctx, ws, ch.id, 'app_secret', input.appSecret) }),
  };
  const changed = (['name', 'accessToken', 'appSecret'] as const).filter((f) => input[f] !== undefined);
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(channels)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...secrets,
        ...(info ? numberColumns(info) : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(channels.id, ch.id), eq(channels.workspaceId, ws)))
      .returning();
    if (!updated) throw new AppError('not_found');
    await recordAudit(ctx, tx, {
      type: 'channel.updated',
      workspaceId: ws,
      actorId: actor.user.id,
      subjectType: 'channel',
      subjectId: ch.id,
      ipPrefix,
      data: { changed },
    });
    return updated;
  });
  ctx.channelCache.invalidate(ch.id);
  return row;
}

export async function listChannels(db: DbOrTx, workspaceId: string): Promise<ChannelRow[]> {
  return db
    .select()
    .from(channels)
    .where(eq(channels.workspaceId, workspaceId))
    .orderBy(asc(channels.createdAt));
}

export async function getChannel(db: DbOrTx, workspaceId: string, channelId: string): Promise<ChannelRow> {
  const [ch] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.workspaceId, workspaceId)));
  if (!ch) throw new AppError('not_found');
  return ch;
}

export function toChannelDto(ctx: AppContext, ch: ChannelRow) {
  return {
    id: ch.id,
    type: ch.type,
    name: ch.name,
    phoneNumberId: ch.phoneNumberId,
    wabaId: ch.wabaId,
    displayPhoneNumber: ch.displayPhoneNumber,
    qualityRating: ch.qualityRating,
    messagingLimit: ch.messagingLimit,
    isSandbox: ch.isSandbox,
    status: ch.status,
    webhookUrl: webhookUrlOf(ctx, ch.id),
    graphBaseUrl: ch.graphBaseUrl,
    graphApiVersion: ch.graphApiVersion,
    createdAt: ch.createdAt.toISOString(),
  };
}
