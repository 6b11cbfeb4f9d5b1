import type {
  SendMediaRequest,
  SendMessageRequest,
  SendReactionRequest,
  SendTemplateRequest,
  SendTextRequest,
} from '@parley/contracts';
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import {
  contacts,
  conversationLabels,
  conversationReads,
  conversations,
  media,
  messages,
  workspaces,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { enqueueJob } from '../../jobs/queue.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { assertCanSee, visibilityOfMember, visibleConversationsWhere } from '../access/index.js';
import { labelIdsOf } from '../labels/service.js';
import { mediaByIds } from '../media/index.js';
import { conversationsBefore, searchConversations } from '../search/index.js';
import { renderTemplateText } from '../templates/placeholders.js';
import {
  buttonIssues,
  headerMediaKindOf,
  type Issue,
  templateComponents,
  withArticle,
} from '../templates/send-components.js';
import { bodyTextOf, getTemplate, toTemplateDto } from '../templates/service.js';
import { markReadJob } from '../whatsapp/mark-read.job.js';
import { sendMessageJob } from '../whatsapp/send-message.job.js';
import { recordOutbound } from './outbound.js';
import { toConversationDto, toMessageDto } from './presenter.js';
import { replyWindowRemainingMs } from './reply-window.js';
import { isRetryable } from './retry-policy.js';

type ListQuery = {
  status?: 'open' | 'pending' | 'snoozed' | 'resolved';
  assignee: 'me' | 'unassigned' | 'all';
  assigneeId?: string;
  channelId?: string;
  teamId?: string;
  labelId?: string;
  priority?: 'none' | 'low' | 'medium' | 'high' | 'urgent';
  queued?: 'true' | 'false';
  since?: string;
  /** Search (see modules/search): only conversations whose contact or messages match. */
  q?: string;
  before?: string;
  limit: number;
};

/** Up to this many conversations with a label, the list starts from the label's rows (see below). */
const SMALL_LABEL = 2000;
/**
 * A label's size class, remembered for a minute per process: it only chooses the plan (both give the
 * same rows), and a label grows or shrinks by thousands slowly, so the count need not run per request.
 */
const labelSizes = new Map<string, { small: boolean; at: number }>();
const LABEL_SIZE_TTL_MS = 60_000;

async function isSmallLabel(ctx: AppContext, labelId: string): Promise<boolean> {
  const known = labelSizes.get(labelId);
  if (known && Date.now() - known.at < LABEL_SIZE_TTL_MS) return known.small;
  // The label's rows alone (an index-only scan); the conversations are scoped to the workspace anyway.
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(
    ctx.db
      .select({ one: sql`1` })
      .from(conversationLabels)
      .where(eq(conversationLabels.labelId, labelId))
      .limit(SMALL_LABEL + 1)
      .as('l'),
  );
  const small = Number(n) <= SMALL_LABEL;
  if (labelSizes.size >= 10_000) labelSizes.clear();
  labelSizes.set(labelId, { small, at: Date.now() });
  return small;
}

/**
 * The label filter, planned by the label's size. A common label is best found walking the newest
 * conversations and checking each (50 hits come quickly); a rare one that way means scanning
 * thousands of conversations for a page, so for a label on at most SMALL_LABEL conversations the
 * list starts from the label's own rows instead (an index lookup each, then the top of those).
 * bench/inbox-queries.ts measures both.
 */
async function labelCondition(ctx: AppContext, labelId: string): Promise<SQL> {
  return (await isSmallLabel(ctx, labelId))
    ? sql`${conversations.id} = any(array(select ${conversationLabels.conversationId} from ${conversationLabels} where ${conversationLabels.labelId} = ${labelId}))`
    : sql`exists (select 1 from ${conversationLabels} where ${conversationLabels.conversationId} = ${conversations.id} and ${conversationLabels.labelId} = ${labelId})`;
}

/**
 * Conversations of a workspace, newest activity first, keyset-paginated (`before` = "iso|id").
 * With `q`, only matching conversations (same order, filters and cursor; see searchConversations).
 * A search page may then hold fewer than `limit` conversations and still have a `nextCursor`.
 */
export async function listConversations(ctx: AppContext, member: Member, q: ListQuery) {
  const visibility = await visibilityOfMember(ctx.db, member);
  const conditions = [visibleConversationsWhere(visibility)];
  if (q.status) conditions.push(eq(conversations.status, q.status));
  if (q.channelId) conditions.push(eq(conversations.channelId, q.channelId));
  if (q.assignee === 'me') conditions.push(eq(conversations.assigneeId, member.user.id));
  if (q.assignee === 'unassigned') conditions.push(isNull(conversations.assigneeId));
  if (q.assigneeId) conditions.push(eq(conversations.assigneeId, q.assigneeId));
  if (q.teamId) conditions.push(eq(conversations.teamId, q.teamId));
  if (q.priority) conditions.push(eq(conversations.priority, q.priority));
  if (q.queued === 'true') conditions.push(isNotNull(conversations.queuedAt));
  if (q.queued === 'false') conditions.push(isNull(conversations.queuedAt));
  if (q.since) conditions.push(gte(conversations.lastMessageAt, new Date(q.since)));
  if (q.labelId) conditions.push(await labelCondition(ctx, q.labelId));
  // The queue is first in, first out: oldest queued first, its own cursor (`q:iso|id`). Compared at
  // millisecond precision like every cursor here (queued_at has microseconds, JavaScript dates not).
  const fifo = q.queued === 'true' && q.q === undefined;
  const queuedMs = sql`date_trunc('milliseconds', ${conversations.queuedAt})`;
  if (fifo && q.before) {
    const [iso, id] = q.before.replace(/^q:/, '').split('|');
    const at = new Date(iso ?? '');
    if (!q.before.startsWith('q:') || Number.isNaN(at.getTime()) || !isUuid(id))
      throw new AppError('validation_failed', {
        issues: [{ path: 'querystring.before', message: 'Invalid cursor' }],
      });
    conditions.push(
      sql`(${queuedMs}, ${conversations.id}) > (${at.toISOString()}::timestamptz, ${id}::uuid)`,
    );
  } else if (q.before) {
    const [iso, id] = q.before.split('|');
    const at = new Date(iso ?? '');
    if (Number.isNaN(at.getTime()) || !isUuid(id))
      throw new AppError('validation_failed', {
        issues: [{ path: 'querystring.before', message: 'Invalid cursor' }],
      });
    conditions.push(conversationsBefore({ lastMessageAt: at, id }));
  }
  // A search page that stopped at one of the search's bounds continues after `resume`.
  let resume: { lastMessageAt: Date; id: string } | null = null;
  if (q.q !== undefined) {
    const found = await searchConversations(ctx, member.workspaceId, q.q, and(...conditions), q.limit + 1);
    if (found.ids.length === 0 && !found.resumeAfter) return { conversations: [], nextCursor: null };
    resume = found.resumeAfter;
    conditions.push(inArray(conversations.id, found.ids));
  }
  // The page's conversations first, then their contacts: joined before the sort, a label filter's
  // hundreds of candidates would each fetch a wide contact row (bench/inbox-queries.ts: 9.7 → 4.7 ms).
  const listed = await ctx.db
    .select()
    .from(conversations)
    .where(and(...conditions))
    .orderBy(
      ...(fifo
        ? [asc(queuedMs), asc(conversations.id)]
        : [desc(conversations.lastMessageAt), desc(conversations.id)]),
    )
    .limit(q.limit + 1);
  const page = listed.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = listed.length > q.limit && last ? last : resume;
  const cursorOf = (c: typeof conversations.$inferSelect) =>
    fifo && c.queuedAt ? `q:${c.queuedAt.toISOString()}|${c.id}` : `${c.lastMessageAt.toISOString()}|${c.id}`;
  const ids = page.map((c) => c.id);
  // Independent reads, in parallel on a pool (PGlite runs them one after another anyway).
  const [contactRows, labelsOf, reads] = await Promise.all([
    page.length === 0
      ? []
      : ctx.db
          .select()
          .from(contacts)
          .where(
            and(
              eq(contacts.workspaceId, member.workspaceId),
              inArray(contacts.id, [...new Set(page.map((c) => c.contactId))]),
            ),
          ),
    labelIdsOf(ctx.db, ids),
    readsOf(ctx.db, member.user.id, ids),
  ]);
  const contactOf = new Map(contactRows.map((ct) => [ct.id, ct]));
  // Every conversation has its contact (a foreign key); the filter only satisfies the types.
  const rows = page.flatMap((c) => {
    const contact = contactOf.get(c.contactId);
    return contact ? [{ c, contact }] : [];
  });
  return {
    conversations: await Promise.all(
      rows.map((r) =>
        toConversationDto(ctx, ctx.db, r.c, r.contact, {
          labelIds: labelsOf.get(r.c.id) ?? [],
          isUnread: isUnreadFor(r.c, reads.get(r.c.id)),
        }),
      ),
    ),
    nextCursor: next ? cursorOf(next as typeof conversations.$inferSelect) : null,
  };
}

/**
 * A conversation and its contact, if `member` may see it (see modules/access); else not_found, the
 * same answer as for an id of another workspace.
 */
export async function getConversation(ctx: AppContext, member: Member, conversationId: string) {
  const [row] = await ctx.db
    .select({ c: conversations, contact: contacts })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, member.workspaceId)));
  if (!row) throw new AppError('not_found');
  if (member.role === 'agent') assertCanSee(await visibilityOfMember(ctx.db, member), row.c);
  return row;
}

/** A page of messages, newest first (`before` = the previous page's `nextCursor`); the client shows them oldest first. */
export async function listMessages(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  q: { before?: string; limit: number },
) {
  await getConversation(ctx, member, conversationId);
  const conditions = [
    eq(messages.conversationId, conversationId),
    eq(messages.workspaceId, member.workspaceId),
  ];
  if (q.before) {
    // "iso|seq" (nextCursor), or an ISO time alone: everything older than that instant.
    const [iso, seq] = q.before.split('|');
    const at = new Date(iso ?? '');
    if (Number.isNaN(at.getTime()) || (seq !== undefined && !/^\d{1,18}$/.test(seq)))
      throw new AppError('validation_failed', {
        issues: [{ path: 'querystring.before', message: 'Invalid cursor' }],
      });
    conditions.push(
      seq === undefined
        ? lt(messages.createdAt, at)
        : // A row comparison: a bound of messages_conversation_idx, not a filter.
          sql`(${messages.createdAt}, ${messages.seq}) < (${at.toISOString()}::timestamptz, ${Number(seq)})`,
    );
  }
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.createdAt), desc(messages.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  // One query for the page's attachments instead of one per message.
  const files = await mediaByIds(
    ctx.db,
    member.workspaceId,
    page.flatMap((m) => (m.mediaId ? [m.mediaId] : [])),
  );
  return {
    messages: await Promise.all(
      page.map((m) => toMessageDto(ctx, ctx.db, m, m.mediaId ? (files.get(m.mediaId) ?? null) : null)),
    ),
    hasMore: rows.length > q.limit,
    nextCursor:
      rows.length > q.limit && page.length > 0
        ? `${page[page.length - 1]!.createdAt.toISOString()}|${page[page.length - 1]!.seq}`
        : null,
  };
}

type Outbound = {
  type: string;
  text: string | null;
  content: Record<string, unknown>;
  replyToProviderId: string | null;
  mediaId?: string;
};

/**
 * Records an outbound message (text, template, media or reaction) as pending and enqueues its send job
 * in the same transaction; the job sends it once. Errors: not_found; reply_window_closed (422) for
 * anything but a template when the 24-hour window is closed; validation_failed for an unknown reply or
 * reaction target or wrong template values; media_not_ready (409) for a file that is not stored, failed
 * or is attached to another message already; contact_blocked (409) when the contact is blocked.
 */
export async function sendMessage(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  input: SendMessageRequest,
  /** Runs in the transaction that records the message (a scheduled send marks itself sent there). */
  within?: (tx: Tx, message: typeof messages.$inferSelect) => Promise<void>,
) {
  const { c, contact } = await getConversation(ctx, member, conversationId);
  if (contact.blockedAt) throw new AppError('contact_blocked');
  if (!('template' in input) && replyWindowRemainingMs(c.lastInboundAt, new Date()) === 0)
    throw new AppError('reply_window_closed');
  const outbound =
    'template' in input
      ? await prepareTemplate(ctx, member, c.channelId, input)
      : 'media' in input
        ? await prepareMedia(ctx, member, conversationId, input)
        : 'reaction' in input
          ? await prepareReaction(ctx, conversationId, input)
          : await prepareText(ctx, conversationId, input);
  const row = await ctx.db.transaction(async (tx) => {
    const m = await recordOutbound(
      ctx,
      tx,
      { workspaceId: member.workspaceId, channelId: c.channelId, conversationId },
      outbound,
      member.user.id,
      within,
    );
    if (!m) throw new AppError('media_not_ready');
    return m;
  });
  ctx.jobs.poke();
  await ctx.events.flush();
  return toMessageDto(ctx, ctx.db, row);
}

/** The wamid of a message of this conversation, or a validation error at `path`. */
async function providerIdOf(ctx: AppContext, conversationId: string, messageId: string, path: string) {
  const [target] = await ctx.db
    .select({ wamid: messages.providerMessageId })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId)));
  if (!target?.wamid)
    throw new AppError('validation_failed', { issues: [{ path, message: 'Unknown message' }] });
  return target.wamid;
}

async function prepareText(
  ctx: AppContext,
  conversationId: string,
  input: SendTextRequest,
): Promise<Outbound> {
  return {
    type: 'text',
    text: input.text,
    content: { preview_url: input.previewUrl ?? false },
    replyToProviderId: input.replyToMessageId
      ? await providerIdOf(ctx, conversationId, input.replyToMessageId, 'body.replyToMessageId')
      : null,
  };
}

async function prepareMedia(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  input: SendMediaRequest,
): Promise<Outbound> {
  const [file] = await ctx.db
    .select()
    .from(media)
    .where(and(eq(media.id, input.media.mediaId), eq(media.workspaceId, member.workspaceId)));
  if (!file)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.media.mediaId', message: 'Unknown file' }],
    });
  if (file.direction !== 'outbound' || file.status !== 'stored') throw new AppError('media_not_ready');
  const caption =
    file.kind === 'audio' || file.kind === 'sticker' ? undefined : input.media.caption || undefined;
  const filename =
    file.kind === 'document' && file.filename
      ? await ctx.keyring.decrypt(ctx.db, member.workspaceId, file.filename, 'media.filename')
      : undefined;
  return {
    type: file.kind,
    text: caption ?? null,
    content: {
      [file.kind]: {
        mime_type: file.mimeType,
        ...(caption ? { caption } : {}),
        ...(filename ? { filename } : {}),
      },
    },
    replyToProviderId: input.replyToMessageId
      ? await providerIdOf(ctx, conversationId, input.replyToMessageId, 'body.replyToMessageId')
      : null,
    mediaId: file.id,
  };
}

async function prepareReaction(
  ctx: AppContext,
  conversationId: string,
  input: SendReactionRequest,
): Promise<Outbound> {
  const wamid = await providerIdOf(ctx, conversationId, input.reaction.messageId, 'body.reaction.messageId');
  return {
    type: 'reaction',
    text: null,
    content: { reaction: { message_id: wamid, emoji: input.reaction.emoji } },
    replyToProviderId: null,
  };
}

/**
 * Sends a failed outbound message again (the same message: its status goes back to pending and a new
 * send job is enqueued). Errors: not_found; message_not_retryable (409) when it did not fail, its error
 * forbids a retry, or it is free-form and the 24-hour window is closed.
 */
export async function retryMessage(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  messageId: string,
) {
  const { c } = await getConversation(ctx, member, conversationId);
  const [m] = await ctx.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.conversationId, conversationId),
        eq(messages.workspaceId, member.workspaceId),
      ),
    );
  if (!m) throw new AppError('not_found');
  if (!isRetryable(m, replyWindowRemainingMs(c.lastInboundAt, new Date()) > 0))
    throw new AppError('message_not_retryable');
  const ws = member.workspaceId;
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(messages)
      .set({
        status: 'pending',
        providerMessageId: null,
        sendStartedAt: null,
        errorCode: null,
        errorTitle: null,
        failedAt: null,
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(messages.id, m.id), eq(messages.status, 'failed')))
      .returning();
    if (!updated) throw new AppError('message_not_retryable');
    await enqueueJob(tx, sendMessageJob, { messageId: m.id }, { workspaceId: ws });
    await recordEvent(tx, {
      type: 'message.updated',
      workspaceId: ws,
      rooms: [`workspace:${ws}`],
      payload: { conversationId, messageId: m.id },
    });
    return updated;
  });
  ctx.jobs.poke();
  await ctx.events.flush();
  return toMessageDto(ctx, ctx.db, row);
}

/**
 * Checks a template send against the synced template and builds its components. All value issues come
 * at once (validation_failed): body and header values, `headerMediaId` (a file of the header's kind for
 * an IMAGE, VIDEO or DOCUMENT header), button values (`body.template.buttons.<index>`). media_not_ready
 * for a header file that is not a stored upload; the file becomes the message's `mediaId`.
 */
async function prepareTemplate(
  ctx: AppContext,
  member: Member,
  channelId: string,
  input: SendTemplateRequest,
): Promise<Outbound> {
  const t = await getTemplate(ctx.db, member.workspaceId, input.template.templateId);
  const issue = (path: string, message: string) =>
    new AppError('validation_failed', { issues: [{ path, message }] });
  if (t.channelId !== channelId)
    throw issue('body.template.templateId', 'This template belongs to another number');
  if (t.status !== 'APPROVED') throw issue('body.template.templateId', 'Only approved templates can be sent');
  const dto = toTemplateDto(t);
  if (dto.headerFormat === 'LOCATION')
    throw issue(
      'body.template.templateId',
      'Templates with a location header cannot be sent from Parley yet',
    );
  const issues: Issue[] = [];
  const body = input.template.body ?? (dto.parameterFormat === 'NAMED' ? {} : []);
  const given = Array.isArray(body)
    ? body.length
    : dto.bodyParameters.filter((p) => (body as Record<string, string>)[p]).length;
  if (given !== dto.bodyParameters.length) {
    issues.push({
      path: 'body.template.body',
      message: `This template needs ${dto.bodyParameters.length} value(s): ${dto.bodyParameters.join(', ') || 'none'}`,
    });
  }
  if ((input.template.header ?? []).length !== dto.headerParameters.length) {
    issues.push({
      path: 'body.template.header',
      message: `This template needs ${dto.headerParameters.length} header value(s)`,
    });
  }
  const kind = headerMediaKindOf(dto.headerFormat);
  const mediaId = input.template.headerMediaId;
  const mediaPath = 'body.template.headerMediaId';
  const [file] =
    kind && mediaId
      ? await ctx.db
          .select()
          .from(media)
          .where(and(eq(media.id, mediaId), eq(media.workspaceId, member.workspaceId)))
      : [];
  if (kind && !mediaId)
    issues.push({ path: mediaPath, message: `This template needs ${withArticle(kind)} for its header` });
  else if (!kind && mediaId)
    issues.push({ path: mediaPath, message: 'This template has no image, video or document header' });
  else if (kind && !file) issues.push({ path: mediaPath, message: 'Unknown file' });
  else if (kind && file && file.kind !== kind) {
    issues.push({
      path: mediaPath,
      message: `The header needs ${withArticle(kind)}; this file is ${withArticle(file.kind)}`,
    });
  }
  issues.push(...buttonIssues(dto, input.template.buttons ?? {}));
  if (issues.length > 0) throw new AppError('validation_failed', { issues });
  if (file && (file.direction !== 'outbound' || file.status !== 'stored'))
    throw new AppError('media_not_ready');
  const filename =
    file?.kind === 'document' && file.filename
      ? await ctx.keyring.decrypt(ctx.db, member.workspaceId, file.filename, 'media.filename')
      : undefined;
  const components = templateComponents(
    dto,
    input.template,
    kind && file ? { kind, ...(filename ? { filename } : {}) } : null,
  );
  return {
    type: 'template',
    text: renderTemplateText(bodyTextOf(t) ?? t.name, body),
    content: {
      template: {
        name: t.name,
        language: { code: t.language },
        ...(components.length ? { components } : {}),
      },
    },
    replyToProviderId: null,
    ...(file ? { mediaId: file.id } : {}),
  };
}

/** Marks a conversation read by the agents (unread → 0). */
export async function markConversationRead(ctx: AppContext, member: Member, conversationId: string) {
  const { c } = await getConversation(ctx, member, conversationId);
  const [ws] = await ctx.db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, member.workspaceId));
  const sendReceipt = (ws?.settings as { sendReadReceipts?: boolean } | undefined)?.sendReadReceipts === true;
  const [latest] = sendReceipt
    ? await ctx.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound')))
        .orderBy(desc(messages.createdAt), desc(messages.seq))
        .limit(1)
    : [];
  await ctx.db.transaction(async (tx) => {
    if (latest) {
      await enqueueJob(
        tx,
        markReadJob,
        { messageId: latest.id },
        { workspaceId: member.workspaceId, singletonKey: `mark-read:${latest.id}` },
      );
    }
    await tx
      .update(conversations)
      .set({ unreadCount: 0, updatedAt: new Date() })
      .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, member.workspaceId)));
    await setReadState(tx, member, conversationId, false, c.lastInboundAt);
    await recordEvent(tx, {
      type: 'conversation.read',
      workspaceId: member.workspaceId,
      rooms: [`workspace:${member.workspaceId}`],
      payload: { conversationId },
    });
  });
  if (latest) ctx.jobs.poke();
  await ctx.events.flush();
}

/** A single conversation's DTO as `userId` sees it (labels, their unread state). */
export async function presentConversation(
  ctx: AppContext,
  c: typeof conversations.$inferSelect,
  contact: typeof contacts.$inferSelect,
  userId: string,
) {
  const labelsOf = await labelIdsOf(ctx.db, [c.id]);
  const reads = await readsOf(ctx.db, userId, [c.id]);
  return toConversationDto(ctx, ctx.db, c, contact, {
    labelIds: labelsOf.get(c.id) ?? [],
    isUnread: isUnreadFor(c, reads.get(c.id)),
  });
}

type ReadState = { lastReadAt: Date; markedUnread: boolean };

/** A person's read state of some conversations. */
async function readsOf(db: DbOrTx, userId: string, ids: string[]): Promise<Map<string, ReadState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(conversationReads)
    .where(and(eq(conversationReads.userId, userId), inArray(conversationReads.conversationId, ids)));
  return new Map(rows.map((r) => [r.conversationId, r]));
}

/**
 * Unread for one person: marked unread by them, or the customer wrote since they last read it (never
 * read: while the team's unread count is not zero). WhatsApp timestamps have whole seconds, so a
 * message in the very second of the read counts as read.
 */
export function isUnreadFor(
  c: { lastInboundAt: Date | null; unreadCount: number },
  read: ReadState | undefined,
): boolean {
  if (!read) return c.unreadCount > 0;
  if (read.markedUnread) return true;
  return !!c.lastInboundAt && c.lastInboundAt.getTime() > read.lastReadAt.getTime();
}

/** Sets the caller's own read state: read now, or "mark as unread". */
/**
 * `seenUpTo`: the newest customer message the person has now seen (the conversation's
 * lastInboundAt, a WhatsApp timestamp), compared with later ones — not the clock of this server.
 */
async function setReadState(
  tx: DbOrTx,
  member: Member,
  conversationId: string,
  unread: boolean,
  seenUpTo: Date | null = null,
) {
  const now = new Date();
  const seen = seenUpTo ?? new Date(0);
  await tx
    .insert(conversationReads)
    .values({
      conversationId,
      userId: member.user.id,
      workspaceId: member.workspaceId,
      lastReadAt: seen,
      markedUnread: unread,
    })
    .onConflictDoUpdate({
      target: [conversationReads.conversationId, conversationReads.userId],
      set: unread
        ? { markedUnread: true, updatedAt: now }
        : { lastReadAt: seen, markedUnread: false, updatedAt: now },
    });
}

/** "Mark as unread" for the caller only (the team's unread count stays as it is). */
export async function markConversationUnread(ctx: AppContext, member: Member, conversationId: string) {
  await getConversation(ctx, member, conversationId);
  await ctx.db.transaction(async (tx) => {
    await setReadState(tx, member, conversationId, true);
    await recordEvent(tx, {
      type: 'conversation.updated',
      workspaceId: member.workspaceId,
      rooms: [],
      payload: { conversationId },
    });
  });
  await ctx.events.flush();
}
