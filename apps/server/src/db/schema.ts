import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();

/** Instance-wide settings (setup state). One row per key. */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  require2fa: boolean('require_2fa').notNull().default(false),
  settings: jsonb('settings').notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Per-workspace data keys, wrapped (AES-256-GCM) by the master key. */
export const workspaceKeys = pgTable(
  'workspace_keys',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    wrappedKey: bytea('wrapped_key').notNull(),
    masterKeyId: text('master_key_id').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.version] })],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    locale: text('locale'),
    /** Encrypted with the instance key. */
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    totpEnabledAt: ts('totp_enabled_at'),
    /** Last accepted TOTP time step: a code is accepted once. */
    totpLastStep: integer('totp_last_step'),
    passwordChangedAt: ts('password_changed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'agent'] }).notNull(),
    status: text('status', { enum: ['active', 'deactivated'] })
      .notNull()
      .default('active'),
    deactivatedAt: ts('deactivated_at'),
    /** What the person chose: available or away. Offline is derived (no live connection, see presenceSeenAt). */
    availability: text('availability', { enum: ['available', 'away', 'offline'] })
      .notNull()
      .default('offline'),
    /** Last heartbeat of a live connection; older than the presence timeout means offline. */
    presenceSeenAt: ts('presence_seen_at'),
    /** At most this many open conversations are assigned automatically. */
    capacity: integer('capacity').notNull().default(10),
    /** Absent (holiday, sick) until then: gets nothing new automatically. */
    absentUntil: ts('absent_until'),
    /** Round-robin: the one assigned longest ago goes next. */
    lastAssignedAt: ts('last_assigned_at'),
    /** Per-person notification settings (sound, desktop, push per kind). */
    notificationSettings: jsonb('notification_settings').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    remember: boolean('remember').notNull().default(false),
    userAgent: text('user_agent'),
    ipPrefix: text('ip_prefix'),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    idleExpiresAt: ts('idle_expires_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    email: text('email'),
    role: text('role', { enum: ['owner', 'admin', 'agent'] }).notNull(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('invites_token_hash_key').on(t.tokenHash),
    index('invites_workspace_idx').on(t.workspaceId),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('teams_workspace_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index('team_members_ws_user_idx').on(t.workspaceId, t.userId),
  ],
);

/**
 * Append-only, hash-chained audit log. chain_key is the workspace id (or 'instance').
 * hash = sha256(prev_hash || canonical row); UPDATE and DELETE are refused by a trigger.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id'),
    chainKey: text('chain_key').notNull(),
    type: text('type').notNull(),
    actorId: uuid('actor_id'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    ipPrefix: text('ip_prefix'),
    data: jsonb('data').notNull().default({}),
    createdAt: createdAt(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_chain_idx').on(t.chainKey, t.id)],
);

/** Fixed-window counters for brute-force limits; shared by every node. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: ts('reset_at').notNull(),
});

/** Outbox of committed events, fanned out to Socket.IO rooms after commit. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id'),
    type: text('type').notNull(),
    rooms: text('rooms').array().notNull(),
    payload: jsonb('payload').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('events_created_idx').on(t.createdAt)],
);

/**
 * Durable jobs. Claimed with FOR UPDATE SKIP LOCKED under a lease that a heartbeat extends; a crashed
 * worker's job is reclaimed when its lease runs out. Status 'dead' is the dead-letter state (replayable).
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    workspaceId: uuid('workspace_id'),
    payload: jsonb('payload').notNull().default({}),
    status: text('status', { enum: ['queued', 'running', 'done', 'dead'] })
      .notNull()
      .default('queued'),
    runAt: ts('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(10),
    lockedBy: text('locked_by'),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    singletonKey: text('singleton_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('jobs_ready_idx').on(t.status, t.runAt),
    uniqueIndex('jobs_singleton_key')
      .on(t.singletonKey)
      .where(sql`${t.singletonKey} is not null and ${t.status} in ('queued', 'running')`),
    // "Has this slot's recurring job run yet?" (any status).
    index('jobs_singleton_any_idx').on(t.singletonKey).where(sql`${t.singletonKey} is not null`),
  ],
);

/** A connected WhatsApp number (or the sandbox). Secrets are encrypted with the workspace key. */
export const channels = pgTable(
  'channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['whatsapp'] }).notNull(),
    name: text('name').notNull(),
    phoneNumberId: text('phone_number_id').notNull(),
    wabaId: text('waba_id').notNull(),
    displayPhoneNumber: text('display_phone_number'),
    graphBaseUrl: text('graph_base_url').notNull(),
    graphApiVersion: text('graph_api_version').notNull(),
    accessToken: text('access_token').notNull(),
    appSecret: text('app_secret').notNull(),
    verifyToken: text('verify_token').notNull(),
    isSandbox: boolean('is_sandbox').notNull().default(false),
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    qualityRating: text('quality_rating'),
    messagingLimit: text('messaging_limit'),
    /** `STANDARD` (80 messages/s) or `HIGH` (1,000/s), from the Graph API. */
    throughputLevel: text('throughput_level'),
    /** Automatic assignment of new and reopened conversations. */
    autoAssign: text('auto_assign', { enum: ['off', 'round_robin', 'least_busy'] })
      .notNull()
      .default('off'),
    /** The team new conversations of this number belong to (and whose agents get them). */
    defaultTeamId: uuid('default_team_id').references(() => teams.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('channels_workspace_phone_key').on(t.workspaceId, t.phoneNumberId),
    index('channels_phone_idx').on(t.phoneNumberId),
  ],
);

/**
 * Raw webhook deliveries, stored (encrypted) before Meta gets its 200, then processed in batches
 * (modules/whatsapp/process-webhooks.ts).
 * A delivery for an unknown number is kept with status 'unattached'.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelId: uuid('channel_id').references(() => channels.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id'),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'processed', 'unattached', 'failed'] })
      .notNull()
      .default('pending'),
    error: text('error'),
    /** Failed processing attempts; the next one is not before `next_attempt_at` (back-off). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
    /** The delivery carries only statuses of sent messages: processed after those with customers' messages. */
    statusOnly: boolean('status_only').notNull().default(false),
  },
  (t) => [
    index('webhook_events_status_idx').on(t.status, t.receivedAt),
    // The processing queue: pending deliveries in arrival order.
    index('webhook_events_pending_idx').on(t.nextAttemptAt, t.id).where(sql`${t.status} = 'pending'`),
    // Its fast lane: customers' messages (and everything but statuses) first.
    index('webhook_events_pending_first_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending' and not ${t.statusOnly}`),
  ],
);

/** A customer. Personal fields are encrypted; `wa_id_hash` is a keyed hash for lookups. */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    waIdHash: text('wa_id_hash').notNull(),
    waId: text('wa_id'),
    name: text('name'),
    nameTokens: text('name_tokens').array().notNull().default(sql`'{}'::text[]`),
    /**
     * The name is the customer's WhatsApp profile name, refreshed by their messages, until a person
     * sets one (created by hand, imported with a name, edited, merged): then their messages keep it.
     */
    nameFromProfile: boolean('name_from_profile').notNull().default(true),
    /** Encrypted. */
    email: text('email'),
    /** Encrypted JSON: custom attribute key → value (see custom_attributes). */
    attributes: text('attributes'),
    /** Where the contact came from. */
    source: text('source', { enum: ['whatsapp', 'import', 'manual'] })
      .notNull()
      .default('whatsapp'),
    blockedAt: ts('blocked_at'),
    /** Set on the duplicate that was merged away (it is then hidden). */
    mergedIntoId: uuid('merged_into_id'),
    /** Newest conversation activity, for sorting the contacts page. */
    lastActivityAt: ts('last_activity_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contacts_workspace_wa_key').on(t.workspaceId, t.waIdHash),
    index('contacts_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('contacts_name_tokens_idx').using('gin', t.nameTokens),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['open', 'pending', 'snoozed', 'resolved'] })
      .notNull()
      .default('open'),
    assigneeId: uuid('assignee_id').references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    lastMessageAt: ts('last_message_at').notNull().defaultNow(),
    lastInboundAt: ts('last_inbound_at'),
    lastMessagePreview: text('last_message_preview'),
    unreadCount: integer('unread_count').notNull().default(0),
    priority: text('priority', { enum: ['none', 'low', 'medium', 'high', 'urgent'] })
      .notNull()
      .default('none'),
    /** Status 'snoozed' until then (a job wakes it; a customer's message wakes it early). */
    snoozedUntil: ts('snoozed_until'),
    /** Waiting in the auto-assignment queue since then (first in, first out); null when not queued. */
    queuedAt: ts('queued_at'),
    assignedAt: ts('assigned_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_channel_contact_key').on(t.channelId, t.contactId),
    index('conversations_assignee_idx').on(t.workspaceId, t.assigneeId, t.lastMessageAt, t.id),
    index('conversations_channel_recent_idx').on(t.channelId, t.lastMessageAt, t.id),
    index('conversations_queue_idx').on(t.channelId, t.queuedAt).where(sql`${t.queuedAt} is not null`),
    index('conversations_snoozed_idx').on(t.snoozedUntil).where(sql`${t.status} = 'snoozed'`),
    // Ascending on purpose: PostgreSQL scans them backwards for `ORDER BY last_message_at DESC, id DESC`
    // (= NULLS FIRST), which a `DESC` index (drizzle emits `DESC NULLS LAST`) cannot serve.
    index('conversations_list_idx').on(t.workspaceId, t.status, t.lastMessageAt, t.id),
    // The list without a status filter (and search), newest activity first.
    index('conversations_recent_idx').on(t.workspaceId, t.lastMessageAt, t.id),
    index('conversations_contact_idx').on(t.contactId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    /** 'message' (to or from the customer), 'note' (internal, never sent) or 'activity' (assigned, resolved…). */
    kind: text('kind', { enum: ['message', 'note', 'activity'] })
      .notNull()
      .default('message'),
    type: text('type').notNull(),
    /** Encrypted: the text or caption. */
    text: text('text'),
    /** Encrypted JSON: the type-specific content (media ref, location, contacts, interactive…). */
    content: text('content'),
    providerMessageId: text('provider_message_id'),
    replyToProviderId: text('reply_to_provider_id'),
    /** A customer's reply to a newsletter: the broadcast it answers (or, outbound, the one that sent it). */
    broadcastId: uuid('broadcast_id').references((): AnyPgColumn => broadcasts.id, { onDelete: 'set null' }),
    /** The attachment (image, audio, video, document, sticker), if any. */
    mediaId: uuid('media_id').references(() => media.id, { onDelete: 'set null' }),
    /** Blind index of the text's words and prefixes (keyed hashes; see modules/search). */
    searchTokens: text('search_tokens').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', {
      enum: ['received', 'pending', 'sent', 'delivered', 'read', 'failed', 'unknown'],
    }).notNull(),
    errorCode: integer('error_code'),
    errorTitle: text('error_title'),
    senderUserId: uuid('sender_user_id').references(() => users.id),
    /** Set (committed) just before the Graph API call; a job that finds it set after a crash does not resend. */
    sendStartedAt: ts('send_started_at'),
    /** Arrival order: breaks ties between messages with the same (second-precision) timestamp. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    readAt: ts('read_at'),
    failedAt: ts('failed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_channel_provider_key').on(t.channelId, t.providerMessageId),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt, t.seq),
    index('messages_search_tokens_idx').using('gin', t.searchTokens),
    uniqueIndex('messages_media_key').on(t.mediaId).where(sql`${t.mediaId} is not null`),
  ],
);

/**
 * A media file (inbound from a customer or uploaded by an agent). The bytes live encrypted in the data
 * directory under a random `storage_key`, sealed with a random per-file key that is itself encrypted
 * with the workspace key (`file_key`). Inbound media is downloaded by a job ('pending' until then).
 */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    kind: text('kind', { enum: ['image', 'video', 'audio', 'document', 'sticker'] }).notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** Hex SHA-256 of the plaintext bytes. */
    sha256: text('sha256'),
    /** Encrypted: the file name as the sender gave it. */
    filename: text('filename'),
    storageKey: text('storage_key'),
    fileKey: text('file_key'),
    status: text('status', { enum: ['pending', 'stored', 'failed'] })
      .notNull()
      .default('pending'),
    /** Inbound: the media id of the webhook. Outbound: the id of our upload to the Graph API. */
    providerMediaId: text('provider_media_id'),
    providerUploadedAt: ts('provider_uploaded_at'),
    error: text('error'),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('media_storage_key').on(t.storageKey),
    index('media_workspace_idx').on(t.workspaceId, t.createdAt),
  ],
);

/** Every status webhook, kept in full; the shown status only moves forward. */
export const messageStatusEvents = pgTable(
  'message_status_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    providerMessageId: text('provider_message_id').notNull(),
    status: text('status').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    errors: jsonb('errors'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('message_status_events_key').on(t.channelId, t.providerMessageId, t.status)],
);

/** Message templates synced from the WhatsApp Business Account of a channel. */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    providerTemplateId: text('provider_template_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    parameterFormat: text('parameter_format').notNull().default('POSITIONAL'),
    components: jsonb('components').notNull().default([]),
    /** Meta's reason when the template was rejected (e.g. `INVALID_FORMAT`), or paused/disabled. */
    statusReason: text('status_reason'),
    /** Meta's quality of the template: GREEN, YELLOW, RED or UNKNOWN. */
    qualityScore: text('quality_score'),
    syncedAt: ts('synced_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('templates_channel_name_lang_key').on(t.channelId, t.name, t.language)],
);

/** Which teams are given a channel: their agents see its conversations. */
export const channelTeams = pgTable(
  'channel_teams',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.teamId] }), index('channel_teams_team_idx').on(t.teamId)],
);

/** A person's notifications: mentions, assignments, new messages in their conversations. One row each. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['mention', 'assignment', 'message', 'scheduled_failed'] }).notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.workspaceId, t.createdAt)],
);

/** Web Push subscriptions of a person's browsers (the installed web app). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint),
    index('push_subscriptions_user_idx').on(t.userId),
  ],
);

export const labels = pgTable(
  'labels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('labels_workspace_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);

export const conversationLabels = pgTable(
  'conversation_labels',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    labelId: uuid('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.labelId] }),
    index('conversation_labels_label_idx').on(t.labelId, t.conversationId),
  ],
);

export const contactLabels = pgTable(
  'contact_labels',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    labelId: uuid('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.labelId] }),
    index('contact_labels_label_idx').on(t.labelId, t.contactId),
  ],
);

/** Canned responses: shared (owner_id null) or personal; optional attachment. */
export const quickReplies = pgTable(
  'quick_replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Null: shared with the workspace; else only this person sees it. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    mediaId: uuid('media_id').references(() => media.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('quick_replies_workspace_idx').on(t.workspaceId, t.ownerId)],
);

/** "Send later": written now, sent by a job at `send_at` (if the 24-hour window allows it then). */
export const scheduledMessages = pgTable(
  'scheduled_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    /** Encrypted JSON: the send request (text, template, media). */
    body: text('body').notNull(),
    sendAt: ts('send_at').notNull(),
    status: text('status', { enum: ['scheduled', 'sent', 'cancelled', 'failed'] })
      .notNull()
      .default('scheduled'),
    errorCode: text('error_code'),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('scheduled_messages_due_idx').on(t.sendAt).where(sql`${t.status} = 'scheduled'`),
    index('scheduled_messages_conversation_idx').on(t.conversationId),
  ],
);

/** Per-person read state of a conversation ("mark as unread" included). */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    lastReadAt: ts('last_read_at').notNull(),
    markedUnread: boolean('marked_unread').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index('conversation_reads_user_idx').on(t.userId),
  ],
);

/** Saved combinations of inbox filters: personal (user_id set) or shared with the workspace. */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    filters: jsonb('filters').notNull().default({}),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('saved_views_workspace_idx').on(t.workspaceId, t.userId)],
);

/** Admin-defined contact fields. */
export const customAttributes = pgTable(
  'custom_attributes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: ['text', 'number', 'date', 'list', 'checkbox'] }).notNull(),
    /** For 'list': the allowed values. */
    options: jsonb('options').notNull().default([]),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('custom_attributes_workspace_key').on(t.workspaceId, t.key)],
);

/** Internal notes on a contact (not in a conversation). */
export const contactNotes = pgTable(
  'contact_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Encrypted. */
    text: text('text').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('contact_notes_contact_idx').on(t.contactId, t.createdAt)],
);

/**
 * The consent ledger (UWG § 7, Art. 7 GDPR): append-only, one row per event, per contact × purpose ×
 * channel (null channel: every channel of the workspace). The current state is the newest row.
 * `requested` is a double opt-in waiting for its confirmation; only `granted` permits marketing.
 * A trigger refuses changes except the pseudonymisation of an erased contact (contact and evidence
 * set to null); the row stays as proof.
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    purpose: text('purpose', { enum: ['marketing', 'service'] }).notNull(),
    channelId: uuid('channel_id').references(() => channels.id, { onDelete: 'set null' }),
    action: text('action', { enum: ['requested', 'granted', 'withdrawn'] }).notNull(),
    /** How it was given or withdrawn: keyword, button, web_form, widget, import, api, agent, meta. */
    source: text('source').notNull(),
    /** The wording the person saw (the question, the form's text and its version). */
    wording: text('wording'),
    /** Encrypted: proof given with it (an import's proof column, an agent's note). */
    evidence: text('evidence'),
    /** The WhatsApp message that carried it (the keyword, the confirming answer, the STOP). */
    messageId: uuid('message_id'),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('consents_contact_idx').on(t.contactId, t.purpose, t.createdAt)],
);

/**
 * A newsletter: one approved template of one number to a frozen audience (broadcast_recipients).
 * `draft` → `scheduled` | `running` → `paused` (by a person, the daily limit or a WhatsApp error) →
 * `running` … → `completed` | `cancelled`.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
    templateName: text('template_name').notNull(),
    language: text('language').notNull(),
    /** The template's category when created: MARKETING needs granted marketing consent per recipient. */
    category: text('category').notNull(),
    audience: jsonb('audience').notNull(),
    variables: jsonb('variables').notNull().default({}),
    state: text('state', {
      enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'],
    })
      .notNull()
      .default('draft'),
    /** Why it is paused: `manual`, `daily_limit` (resumes by itself at `resume_at`) or `whatsapp_error`. */
    pauseReason: text('pause_reason'),
    pauseCode: integer('pause_code'),
    pauseDetail: text('pause_detail'),
    resumeAt: ts('resume_at'),
    scheduledAt: ts('scheduled_at'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('broadcasts_workspace_idx').on(t.workspaceId, t.createdAt, t.id)],
);

/**
 * One contact of a broadcast, frozen at start (unique per broadcast). `send_started_at` is committed
 * before the Graph API call; a row claimed without a wamid is never resent: a status webhook (our id in
 * `biz_opaque_callback_data`) reconciles it, or it is reported `unknown` after a grace period.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    broadcastId: uuid('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** Insertion order, the recipients page's cursor. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    state: text('state', {
      enum: ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'unknown'],
    })
      .notNull()
      .default('queued'),
    /** The consent entry a marketing send relied on. */
    consentEntryId: uuid('consent_entry_id'),
    providerMessageId: text('provider_message_id'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** A failure worth retrying later (e.g. 131049, not before 24 h). */
    retryable: boolean('retryable').notNull().default(false),
    /** Not claimed before then (a pair-rate back-off). */
    notBefore: ts('not_before'),
    sendStartedAt: ts('send_started_at'),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    readAt: ts('read_at'),
    failedAt: ts('failed_at'),
    /** The customer's first reply after the send (linked in the inbox). */
    repliedAt: ts('replied_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_key').on(t.broadcastId, t.contactId),
    index('broadcast_recipients_state_idx').on(t.broadcastId, t.state, t.seq),
    index('broadcast_recipients_page_idx').on(t.broadcastId, t.seq),
    index('broadcast_recipients_wamid_idx').on(t.providerMessageId),
    index('broadcast_recipients_reach_idx').on(t.workspaceId, t.sendStartedAt),
    index('broadcast_recipients_contact_idx').on(t.contactId, t.sentAt),
  ],
);
