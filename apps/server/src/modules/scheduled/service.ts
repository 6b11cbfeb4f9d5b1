import type { ScheduledMessageDto, ScheduleMessageRequest, SendMessageRequest } from '@parley/contracts';
import { and, desc, eq, gte, or } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { memberships, scheduledMessages, users } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { defineJob } from '../../jobs/define-job.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { getConversation, sendMessage } from '../conversations/service.js';
import { notify } from '../notifications/index.js';

type Row = typeof scheduledMessages.$inferSelect;
const YEAR = 366 * 86400_000;
/** Failed and sent ones stay listed this long, so the author sees what happened. */
const RECENT_MS = 7 * 86400_000;

async function toDto(ctx: AppContext, r: Row): Promise<ScheduledMessageDto> {
  return {
    id: r.id,
    conversationId: r.conversationId,
    authorId: r.authorId,
    sendAt: r.sendAt.toISOString(),
    status: r.status,
    errorCode: r.errorCode,
    messageId: r.messageId,
    message: JSON.parse(
      await ctx.keyring.decrypt(ctx.db, r.workspaceId, r.body, 'scheduled_messages.body'),
    ) as SendMessageRequest,
    createdAt: r.createdAt.toISOString(),
  };
}

function changed(tx: Parameters<typeof recordEvent>[0], r: Row) {
  return recordEvent(tx, {
    type: 'conversation.updated',
    workspaceId: r.workspaceId,
    rooms: [],
    payload: { conversationId: r.conversationId },
  });
}

/**
 * Schedules a message: stored encrypted, sent by a job at `sendAt` as its author. Checked now as far
 * as it can be (the conversation, the time); the 24-hour window and the rest are checked when it goes.
 */
export async function scheduleMessage(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  input: ScheduleMessageRequest,
) {
  const { c } = await getConversation(ctx, member, conversationId);
  const at = new Date(input.sendAt);
  if (at.getTime() <= Date.now() + 30_000 || at.getTime() > Date.now() + YEAR)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.sendAt', message: 'Schedule at least a minute ahead and at most a year' }],
    });
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(scheduledMessages)
      .values({
        workspaceId: c.workspaceId,
        conversationId: c.id,
        authorId: member.user.id,
        body: await ctx.keyring.encrypt(
          tx,
          c.workspaceId,
          JSON.stringify(input.message),
          'scheduled_messages.body',
        ),
        sendAt: at,
      })
      .returning();
    await enqueueJob(tx, sendScheduledJob, { scheduledId: r!.id }, { workspaceId: c.workspaceId, runAt: at });
    await changed(tx, r!);
    return r!;
  });
  ctx.jobs.poke();
  await ctx.events.flush();
  return toDto(ctx, row);
}

/** What is scheduled in a conversation, and what was sent or failed in the last week. */
export async function listScheduled(ctx: AppContext, member: Member, conversationId: string) {
  await getConversation(ctx, member, conversationId);
  const rows = await ctx.db
    .select()
    .from(scheduledMessages)
    .where(
      and(
        eq(scheduledMessages.conversationId, conversationId),
        eq(scheduledMessages.workspaceId, member.workspaceId),
        or(
          eq(scheduledMessages.status, 'scheduled'),
          gte(scheduledMessages.updatedAt, new Date(Date.now() - RECENT_MS)),
        ),
      ),
    )
    .orderBy(desc(scheduledMessages.sendAt));
  return { scheduled: await Promise.all(rows.map((r) => toDto(ctx, r))) };
}

/** Cancels a scheduled message that has not gone yet (conflict once it went or was cancelled). */
export async function cancelScheduled(ctx: AppContext, member: Member, conversationId: string, id: string) {
  await getConversation(ctx, member, conversationId);
  const [any] = await ctx.db
    .select()
    .from(scheduledMessages)
    .where(
      and(
        eq(scheduledMessages.id, id),
        eq(scheduledMessages.conversationId, conversationId),
        eq(scheduledMessages.workspaceId, member.workspaceId),
      ),
    );
  if (!any) throw new AppError('not_found');
  await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(scheduledMessages)
      .set({ status: 'cancelled', updatedAt: new Date() })
      .where(and(eq(scheduledMessages.id, id), eq(scheduledMessages.status, 'scheduled')))
      .returning();
    if (!r) throw new AppError('conflict', undefined, 'This message was already sent or cancelled.');
    await changed(tx, r);
  });
  await ctx.events.flush();
}

/**
 * Sends a scheduled message once, as its author, in the transaction that marks it sent (a crash
 * before commit leaves it scheduled for the job's retry; after commit nothing sends it again). When
 * it cannot go (window closed, author gone, template paused …) it is marked failed with the reason
 * and the author is notified.
 */
export const sendScheduledJob = defineJob({
  name: 'messages.send-scheduled',
  payload: z.object({ scheduledId: z.uuid() }),
  async run(ctx, { scheduledId }) {
    const [r] = await ctx.db.select().from(scheduledMessages).where(eq(scheduledMessages.id, scheduledId));
    if (r?.status !== 'scheduled') return;
    const fail = async (code: string) => {
      await ctx.db.transaction(async (tx) => {
        const [f] = await tx
          .update(scheduledMessages)
          .set({ status: 'failed', errorCode: code, updatedAt: new Date() })
          .where(and(eq(scheduledMessages.id, r.id), eq(scheduledMessages.status, 'scheduled')))
          .returning();
        if (!f) return;
        await notify(tx, [
          {
            workspaceId: r.workspaceId,
            userId: r.authorId,
            type: 'scheduled_failed',
            conversationId: r.conversationId,
          },
        ]);
        await changed(tx, f);
      });
      await ctx.events.flush();
    };
    const [m] = await ctx.db
      .select({ role: memberships.role, status: memberships.status, user: users })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, r.workspaceId), eq(memberships.userId, r.authorId)));
    if (m?.status !== 'active') return fail('author_inactive');
    // Sent as its author, with their current role and visibility (no session: a job, not a request).
    const member = { workspaceId: r.workspaceId, role: m.role, user: m.user } as unknown as Member;
    const body = JSON.parse(
      await ctx.keyring.decrypt(ctx.db, r.workspaceId, r.body, 'scheduled_messages.body'),
    ) as SendMessageRequest;
    try {
      await sendMessage(ctx, member, r.conversationId, body, async (tx, message) => {
        const [sent] = await tx
          .update(scheduledMessages)
          .set({ status: 'sent', messageId: message.id, updatedAt: new Date() })
          .where(and(eq(scheduledMessages.id, r.id), eq(scheduledMessages.status, 'scheduled')))
          .returning();
        // Cancelled meanwhile: roll the message back.
        if (!sent) throw new AppError('conflict');
        await changed(tx, sent);
      });
    } catch (err) {
      if (err instanceof AppError) {
        if (err.code === 'conflict') return;
        return fail(err.code);
      }
      throw err;
    }
  },
});
