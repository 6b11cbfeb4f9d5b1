import {
  type CreateQuickReplyRequest,
  firstNameOf,
  type QuickReplyDto,
  type QuickReplyScope,
  renderQuickReplyText,
  type UpdateQuickReplyRequest,
  type UseQuickReplyResponse,
} from '@parley/contracts';
import { and, asc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { media, messages, quickReplies, workspaces } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { getConversation } from '../conversations/service.js';
import { copyStoredMedia, type MediaRow, mediaByIds } from '../media/index.js';

type QuickReplyRow = typeof quickReplies.$inferSelect;

// Title and text are encrypted at rest like message text; the shortcut stays plain (it is looked up).
const TITLE = 'quick_replies.title';
const TEXT = 'quick_replies.text';

async function toQuickReplyDto(
  ctx: AppContext,
  db: DbOrTx,
  row: QuickReplyRow,
  file: MediaRow | null,
): Promise<QuickReplyDto> {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: await ctx.keyring.decrypt(db, row.workspaceId, row.title, TITLE),
    text: await ctx.keyring.decrypt(db, row.workspaceId, row.text, TEXT),
    scope: row.ownerId === null ? 'shared' : 'personal',
    media: file
      ? {
          id: file.id,
          kind: file.kind,
          filename: file.filename
            ? await ctx.keyring.decrypt(db, file.workspaceId, file.filename, 'media.filename')
            : null,
          mimeType: file.mimeType,
          size: file.sizeBytes,
        }
      : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function presentOne(ctx: AppContext, db: DbOrTx, row: QuickReplyRow): Promise<QuickReplyDto> {
  const files = await mediaByIds(db, row.workspaceId, row.mediaId ? [row.mediaId] : []);
  return toQuickReplyDto(ctx, db, row, (row.mediaId && files.get(row.mediaId)) || null);
}

/** Shared ones and the member's own personal ones. */
const visibleTo = (member: Member) =>
  and(
    eq(quickReplies.workspaceId, member.workspaceId),
    or(isNull(quickReplies.ownerId), eq(quickReplies.ownerId, member.user.id)),
  );

const isManager = (member: Member) => member.role === 'owner' || member.role === 'admin';

/** Shared quick replies are written by owners and admins only. */
function assertMayWrite(member: Member, scope: QuickReplyScope) {
  if (scope === 'shared' && !isManager(member))
    throw new AppError('forbidden', undefined, 'Only owners and admins change shared quick replies.');
}

/** A quick reply the member may see (shared, or their own); anything else is not_found. */
async function getVisible(db: DbOrTx, member: Member, quickReplyId: string): Promise<QuickReplyRow> {
  const [row] = await db
    .select()
    .from(quickReplies)
    .where(and(eq(quickReplies.id, quickReplyId), visibleTo(member)));
  if (!row) throw new AppError('not_found');
  return row;
}

/**
 * Shortcuts are unique per scope and owner, ignoring case. The check runs under a transaction-scoped
 * advisory lock on that scope, so two concurrent writes cannot both take the same shortcut.
 */
async function assertShortcutFree(
  tx: DbOrTx,
  workspaceId: string,
  ownerId: string | null,
  shortcut: string,
  exceptId?: string,
) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`quick-replies:${workspaceId}:${ownerId ?? 'shared'}`}))`,
  );
  const [taken] = await tx
    .select({ id: quickReplies.id })
    .from(quickReplies)
    .where(
      and(
        eq(quickReplies.workspaceId, workspaceId),
        ownerId === null ? isNull(quickReplies.ownerId) : eq(quickReplies.ownerId, ownerId),
        sql`lower(${quickReplies.shortcut}) = lower(${shortcut})`,
        exceptId ? ne(quickReplies.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (taken)
    throw new AppError('quick_reply_shortcut_taken', {
      issues: [{ path: 'body.shortcut', message: 'A quick reply with this shortcut exists' }],
    });
}

/** An attachment must be the member's own stored upload that is not sent yet. */
async function assertAttachable(tx: DbOrTx, member: Member, mediaId: string) {
  const bad = (message: string) =>
    new AppError('validation_failed', { issues: [{ path: 'body.mediaId', message }] });
  const [file] = await tx
    .select()
    .from(media)
    .where(and(eq(media.id, mediaId), eq(media.workspaceId, member.workspaceId)));
  if (file?.direction !== 'outbound' || file.uploadedBy !== member.user.id) throw bad('Unknown file');
  if (file.status !== 'stored') throw bad('The file is not stored');
  const [sent] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(eq(messages.mediaId, mediaId))
    .limit(1);
  if (sent) throw bad('This file was sent already; upload it again');
}

/** The member's visible quick replies: shared ones first, then personal, each by shortcut. */
export async function listQuickReplies(ctx: AppContext, member: Member): Promise<QuickReplyDto[]> {
  const rows = await ctx.db
    .select()
    .from(quickReplies)
    .where(visibleTo(member))
    .orderBy(sql`${quickReplies.ownerId} is not null`, asc(sql`lower(${quickReplies.shortcut})`));
  const files = await mediaByIds(
    ctx.db,
    member.workspaceId,
    rows.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
  );
  return Promise.all(
    rows.map((r) => toQuickReplyDto(ctx, ctx.db, r, (r.mediaId && files.get(r.mediaId)) || null)),
  );
}

/**
 * Creates a quick reply: personal for anyone, shared for owners and admins (else forbidden).
 * Errors: quick_reply_shortcut_taken (409), validation_failed for an attachment that is not the
 * member's own unsent upload.
 */
export async function createQuickReply(
  ctx: AppContext,
  member: Member,
  input: CreateQuickReplyRequest,
): Promise<QuickReplyDto> {
  assertMayWrite(member, input.scope);
  const ws = member.workspaceId;
  const ownerId = input.scope === 'shared' ? null : member.user.id;
  return ctx.db.transaction(async (tx) => {
    await assertShortcutFree(tx, ws, ownerId, input.shortcut);
    if (input.mediaId) await assertAttachable(tx, member, input.mediaId);
    const [row] = await tx
      .insert(quickReplies)
      .values({
        workspaceId: ws,
        ownerId,
        shortcut: input.shortcut,
        title: await ctx.keyring.encrypt(tx, ws, input.title, TITLE),
        text: await ctx.keyring.encrypt(tx, ws, input.text, TEXT),
        mediaId: input.mediaId ?? null,
        createdBy: member.user.id,
      })
      .returning();
    return presentOne(ctx, tx, row!);
  });
}

/**
 * Changes a quick reply the member may see. Moving it between shared and personal, or changing a
 * shared one, needs an owner or admin (forbidden). Someone else's personal one is not_found.
 * `mediaId: null` removes the attachment (its file goes with the next clean-up of unsent uploads).
 */
export async function updateQuickReply(
  ctx: AppContext,
  member: Member,
  quickReplyId: string,
  input: UpdateQuickReplyRequest,
): Promise<QuickReplyDto> {
  const ws = member.workspaceId;
  return ctx.db.transaction(async (tx) => {
    const row = await getVisible(tx, member, quickReplyId);
    const from: QuickReplyScope = row.ownerId === null ? 'shared' : 'personal';
    const to = input.scope ?? from;
    assertMayWrite(member, from);
    assertMayWrite(member, to);
    const ownerId = to === 'shared' ? null : member.user.id;
    const shortcut = input.shortcut ?? row.shortcut;
    if (to !== from || input.shortcut !== undefined)
      await assertShortcutFree(tx, ws, ownerId, shortcut, row.id);
    if (input.mediaId && input.mediaId !== row.mediaId) await assertAttachable(tx, member, input.mediaId);
    const [updated] = await tx
      .update(quickReplies)
      .set({
        ownerId,
        shortcut,
        ...(input.title !== undefined
          ? { title: await ctx.keyring.encrypt(tx, ws, input.title, TITLE) }
          : {}),
        ...(input.text !== undefined ? { text: await ctx.keyring.encrypt(tx, ws, input.text, TEXT) } : {}),
        ...(input.mediaId !== undefined ? { mediaId: input.mediaId } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(quickReplies.id, row.id), eq(quickReplies.workspaceId, ws)))
      .returning();
    return presentOne(ctx, tx, updated!);
  });
}

/** Deletes a quick reply (same rules as changing it). Its attachment goes with the next clean-up. */
export async function deleteQuickReply(ctx: AppContext, member: Member, quickReplyId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await getVisible(tx, member, quickReplyId);
    assertMayWrite(member, row.ownerId === null ? 'shared' : 'personal');
    await tx
      .delete(quickReplies)
      .where(and(eq(quickReplies.id, row.id), eq(quickReplies.workspaceId, member.workspaceId)));
  });
}

/**
 * Prepares a quick reply for sending in a conversation: the text with the contact's, the member's and
 * the workspace's values filled in, and, when it has an attachment, a fresh upload holding a copy of
 * the file (each message needs its own media row). Nothing is sent. Errors: not_found for a quick
 * reply or conversation the member may not see. An attachment whose file is gone gives mediaId null.
 */
export async function useQuickReply(
  ctx: AppContext,
  member: Member,
  quickReplyId: string,
  conversationId: string,
): Promise<UseQuickReplyResponse> {
  const ws = member.workspaceId;
  const row = await getVisible(ctx.db, member, quickReplyId);
  const { contact } = await getConversation(ctx, member, conversationId);
  const [workspace] = await ctx.db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, ws));
  const contactName = contact.name
    ? await ctx.keyring.decrypt(ctx.db, ws, contact.name, 'contacts.name')
    : '';
  const waId = contact.waId ? await ctx.keyring.decrypt(ctx.db, ws, contact.waId, 'contacts.wa_id') : '';
  const text = renderQuickReplyText(await ctx.keyring.decrypt(ctx.db, ws, row.text, TEXT), {
    'contact.name': contactName,
    'contact.first_name': firstNameOf(contactName),
    'contact.phone': waId ? `+${waId}` : '',
    'agent.name': member.user.name,
    'agent.first_name': firstNameOf(member.user.name),
    'workspace.name': workspace?.name ?? '',
  });
  if (!row.mediaId) return { text, mediaId: null };
  const file = (await mediaByIds(ctx.db, ws, [row.mediaId])).get(row.mediaId);
  if (file?.status !== 'stored') return { text, mediaId: null };
  try {
    const copy = await copyStoredMedia(ctx, file, member.user.id);
    return { text, mediaId: copy.id };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    ctx.log.error({ mediaId: file.id }, "a quick reply's media file is missing from the data directory");
    return { text, mediaId: null };
  }
}
