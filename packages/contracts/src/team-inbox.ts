import { z } from 'zod';
import { id, isoDate } from './common.js';
import { sendMessageRequest } from './inbox.js';

// Assignment, notes, labels, snooze and bulk actions: what several people need to work one number.

export const assignmentRequest = z.object({
  /** The person who answers it; null unassigns. */
  assigneeId: id.nullable(),
  /** The team it belongs to; omitted keeps the current team, null removes it. */
  teamId: id.nullable().optional(),
});
export type AssignmentRequest = z.infer<typeof assignmentRequest>;

export const noteRequest = z.object({
  /** Internal, never sent to WhatsApp. `@[Name](userId)` mentions notify that colleague. */
  text: z.string().trim().min(1, { message: 'Write a note' }).max(10_000),
});
export type NoteRequest = z.infer<typeof noteRequest>;

export const prioritySchema = z.enum(['none', 'low', 'medium', 'high', 'urgent']);
export type Priority = z.infer<typeof prioritySchema>;

export const statusRequest = z.discriminatedUnion('status', [
  z.object({ status: z.enum(['open', 'pending', 'resolved']) }),
  z.object({
    status: z.literal('snoozed'),
    /** When it wakes up again (open); a customer's message wakes it earlier. At most a year ahead. */
    snoozedUntil: z.iso.datetime({ offset: true }),
  }),
]);
export type StatusRequest = z.infer<typeof statusRequest>;

export const priorityRequest = z.object({ priority: prioritySchema });

/** `#rrggbb`. */
export const labelColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, { message: 'A colour like #1f883d' })
  .transform((c) => c.toLowerCase());

export const labelDto = z.object({
  id,
  name: z.string(),
  color: z.string(),
  description: z.string(),
  createdAt: isoDate,
});
export type LabelDto = z.infer<typeof labelDto>;

export const createLabelRequest = z.object({
  name: z.string().trim().min(1, { message: 'Enter a name' }).max(50),
  color: labelColor,
  description: z.string().trim().max(200).optional(),
});
export type CreateLabelRequest = z.infer<typeof createLabelRequest>;
export const updateLabelRequest = createLabelRequest.partial();
export const labelParams = z.object({ workspaceId: id, labelId: id });
export const labelListResponse = z.object({ labels: z.array(labelDto) });
export const setLabelsRequest = z.object({ labelIds: z.array(id).max(50) });

export const bulkActionRequest = z.object({
  conversationIds: z.array(id).min(1).max(200),
  action: z.discriminatedUnion('type', [
    z.object({ type: z.literal('assign'), assigneeId: id.nullable(), teamId: id.nullable().optional() }),
    z.object({ type: z.literal('addLabel'), labelId: id }),
    z.object({ type: z.literal('removeLabel'), labelId: id }),
    z.object({ type: z.literal('status'), status: z.enum(['open', 'pending', 'resolved']) }),
    z.object({ type: z.literal('snooze'), snoozedUntil: z.iso.datetime({ offset: true }) }),
    z.object({ type: z.literal('priority'), priority: prioritySchema }),
  ]),
});
export type BulkActionRequest = z.infer<typeof bulkActionRequest>;
export const bulkActionResponse = z.object({
  /** The conversations changed. */
  updated: z.array(id),
  /** The ones the caller may not see or that do not exist (nothing was changed on them). */
  notFound: z.array(id),
});

/** What an activity line in a thread says (the message's `content`, kind `activity`). */
export const activityContent = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('assigned'),
    actorId: id.nullable(),
    assigneeId: id.nullable(),
    previousAssigneeId: id.nullable(),
    teamId: id.nullable(),
    /** How: by a person, taken, by automatic assignment, or handed over from an absent colleague. */
    via: z.enum(['manual', 'take', 'auto', 'takeover']),
  }),
  z.object({
    action: z.literal('status'),
    actorId: id.nullable(),
    status: z.enum(['open', 'pending', 'snoozed', 'resolved']),
    snoozedUntil: isoDate.nullable(),
  }),
  z.object({ action: z.literal('priority'), actorId: id.nullable(), priority: prioritySchema }),
]);
export type ActivityContent = z.infer<typeof activityContent>;

export const notificationDto = z.object({
  id,
  /** `scheduled_failed`: a message you scheduled could not go (see the scheduled message's errorCode). */
  type: z.enum(['mention', 'assignment', 'message', 'scheduled_failed']),
  conversationId: id.nullable(),
  messageId: id.nullable(),
  actorId: id.nullable(),
  readAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type NotificationDto = z.infer<typeof notificationDto>;
export const notificationListResponse = z.object({
  notifications: z.array(notificationDto),
  unread: z.number().int(),
  nextCursor: z.string().nullable(),
});
export const notificationListQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const channelTeamsRequest = z.object({ teamIds: z.array(id).max(100) });
export const routingSettings = z.object({
  /** Automatic assignment of new and reopened conversations. */
  autoAssign: z.enum(['off', 'round_robin', 'least_busy']),
  /** The team new conversations of this channel belong to. */
  defaultTeamId: id.nullable(),
});
export const channelRoutingDto = routingSettings.extend({ channelId: id, teamIds: z.array(id) });
export type ChannelRoutingDto = z.infer<typeof channelRoutingDto>;
/** Replaces a channel's routing: who works it (teams; none = everyone) and automatic assignment. */
export const channelRoutingRequest = routingSettings.extend({ teamIds: z.array(id).max(100) });
export type ChannelRoutingRequest = z.infer<typeof channelRoutingRequest>;

/** What a person chose; `offline` is what others see when no browser of theirs is connected. */
export const availabilitySchema = z.enum(['available', 'away', 'offline']);
export type Availability = z.infer<typeof availabilitySchema>;
export const presenceRequest = z.object({ availability: z.enum(['available', 'away']) });

export const agentRoutingDto = z.object({
  userId: id,
  name: z.string(),
  role: z.enum(['owner', 'admin', 'agent']),
  /** Effective: `offline` without a live connection, whatever was chosen. */
  availability: availabilitySchema,
  /** Open and pending conversations assigned now. */
  load: z.number().int(),
  capacity: z.number().int(),
  absentUntil: isoDate.nullable(),
  teamIds: z.array(id),
});
export type AgentRoutingDto = z.infer<typeof agentRoutingDto>;
export const agentRoutingListResponse = z.object({
  agents: z.array(agentRoutingDto),
  /** Conversations waiting in the queue for an agent with room. */
  queued: z.number().int(),
});
export const memberRoutingRequest = z
  .object({
    /** Most conversations assigned automatically at once (0 = none). */
    capacity: z.number().int().min(0).max(500).optional(),
    /** Absent until then (gets nothing new automatically); null = back. */
    absentUntil: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .refine((v) => v.capacity !== undefined || v.absentUntil !== undefined, {
    message: 'Give capacity or absentUntil',
  });
export const takeoverRequest = z.object({
  /** Who gets them; omitted = the caller. */
  toUserId: id.optional(),
});
export const takeoverResponse = z.object({ moved: z.number().int() });
export const markReadRequest = z.object({ ids: z.array(id).max(500).optional() });

/** "Send later": a message written now and sent at `sendAt` (when the 24-hour window allows it then). */
export const scheduleMessageRequest = z.object({
  sendAt: z.iso.datetime({ offset: true }),
  message: sendMessageRequest,
});
export type ScheduleMessageRequest = z.infer<typeof scheduleMessageRequest>;
export const scheduledMessageDto = z.object({
  id,
  conversationId: id,
  authorId: id,
  sendAt: isoDate,
  status: z.enum(['scheduled', 'sent', 'cancelled', 'failed']),
  /** Why it could not go (an error code such as `reply_window_closed`). */
  errorCode: z.string().nullable(),
  /** The message once sent. */
  messageId: id.nullable(),
  message: sendMessageRequest,
  createdAt: isoDate,
});
export type ScheduledMessageDto = z.infer<typeof scheduledMessageDto>;
export const scheduledListResponse = z.object({ scheduled: z.array(scheduledMessageDto) });
export const scheduledParams = z.object({ workspaceId: id, conversationId: id, scheduledId: id });

/** A saved combination of inbox filters (personal, or shared with the workspace by owners and admins). */
export const viewFilters = z.object({
  status: z.enum(['open', 'pending', 'snoozed', 'resolved']).optional(),
  assignee: z.enum(['me', 'unassigned', 'all']).optional(),
  assigneeId: id.optional(),
  channelId: id.optional(),
  teamId: id.optional(),
  labelId: id.optional(),
  priority: prioritySchema.optional(),
  queued: z.enum(['true', 'false']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  // No search text: views are stored unencrypted, and a search may hold a name or number.
});
export const savedViewRequest = z.object({
  name: z.string().trim().min(1, { message: 'Enter a name' }).max(60),
  filters: viewFilters,
  shared: z.boolean().default(false),
});
export const savedViewDto = z.object({
  id,
  name: z.string(),
  filters: viewFilters,
  shared: z.boolean(),
  createdAt: isoDate,
});
export type SavedViewDto = z.infer<typeof savedViewDto>;
export const savedViewListResponse = z.object({ views: z.array(savedViewDto) });
export const viewParams = z.object({ workspaceId: id, viewId: id });

/** A browser's Web Push subscription (PushSubscription.toJSON()). */
export const pushSubscriptionRequest = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2000),
  keys: z.object({ p256dh: z.string().min(10).max(200), auth: z.string().min(8).max(100) }),
});
export const pushUnsubscribeRequest = z.object({ endpoint: z.string().max(2000) });
export const pushKeyResponse = z.object({ publicKey: z.string() });

/** Per person and workspace: what reaches them as Web Push when no Parley tab is open. */
export const notificationSettings = z.object({
  push: z.object({ mention: z.boolean(), assignment: z.boolean(), message: z.boolean() }),
  /** A sound in the open tab for new notifications. */
  sound: z.boolean(),
});
export type NotificationSettings = z.infer<typeof notificationSettings>;
