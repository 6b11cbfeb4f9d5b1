import { ActionIcon, Badge, Button, Center, Group, Loader, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowLeft, IconId } from '@tabler/icons-react';
import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { isApiError } from '../../lib/api';
import { useLoadMore } from '../../lib/use-load-more';
import { useMembers } from '../people/api';
import {
  type ConversationDto,
  type MessageDto,
  useConversation,
  useMarkRead,
  useMessages,
  useReact,
  useRetryMessage,
} from './api';
import { type AttachFiles, Composer, WindowIndicator } from './Composer';
import { contactName } from './ConversationList';
import { DropOverlay } from './composer/DropOverlay';
import { useFileDrop } from './composer/use-file-drop';
import { MessageBubble } from './MessageBubble';
import { collectReactions, dayKey, dayLabel, explainErrorCode, part, str, windowRemainingMs } from './model';
import './i18n';
import { type Collision, useCollision } from './thread/collision';
import { ThreadControls, ThreadSubline } from './thread/ThreadControls';
import { ActivityLine, CollisionIndicator, NoteBubble } from './thread/ThreadLines';

type Props = {
  workspaceId: string;
  conversationId: string;
  myUserId: string;
  isPhone: boolean;
  onBack: () => void;
  onShowContact: (() => void) | null;
  /** Text for the screen-reader announcer (new inbound messages). */
  announcement: string;
};

export function ConversationView(props: Props) {
  const { t } = useTranslation('inbox');
  const { workspaceId, conversationId } = props;
  const conversation = useConversation(workspaceId, conversationId);

  if (conversation.isError) {
    return isApiError(conversation.error, 'not_found') ? (
      <Center h="100%" p="lg">
        <Stack align="center" gap="sm">
          <Text>{t('conversation.notFound')}</Text>
          <Button variant="default" onClick={props.onBack}>
            {t('conversation.back')}
          </Button>
        </Stack>
      </Center>
    ) : (
      <ErrorState error={conversation.error} onRetry={() => void conversation.refetch()} />
    );
  }
  if (!conversation.data) {
    return (
      <Center h="100%">
        <Loader size="sm" />
      </Center>
    );
  }
  return <LoadedConversation {...props} conversation={conversation.data} />;
}

function Header({
  conversation,
  workspaceId,
  myUserId,
  isPhone,
  onBack,
  onShowContact,
  collision,
  memberNames,
}: Props & { conversation: ConversationDto; collision: Collision; memberNames: Map<string, string> }) {
  const { t } = useTranslation('inbox');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const resolved = conversation.status === 'resolved';

  // On a phone the list is gone: move the focus to the conversation's heading.
  useEffect(() => {
    if (isPhone) headingRef.current?.focus();
  }, [isPhone, conversation.id]);

  return (
    <Group className="inbox-conv-header" justify="space-between" wrap="wrap" gap="xs" px="sm" py={8}>
      <Group gap="xs" wrap="nowrap" miw={0} style={{ flex: 1 }}>
        {isPhone && (
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={onBack}
            aria-label={t('conversation.back')}
            data-testid="conversation-back"
          >
            <IconArrowLeft size={20} aria-hidden />
          </ActionIcon>
        )}
        <Stack gap={2} miw={0} style={{ flex: 1 }}>
          <Title order={2} fz="md" ref={headingRef} tabIndex={-1} className="inbox-heading">
            <bdi>{contactName(conversation)}</bdi>
          </Title>
          <Group gap={8} wrap="wrap" style={{ rowGap: 2 }}>
            {conversation.contact.waId && conversation.contact.name && (
              <Text size="xs" c="dimmed">
                +{conversation.contact.waId}
              </Text>
            )}
            <Badge
              size="xs"
              variant="light"
              color={resolved ? 'gray' : conversation.status === 'pending' ? 'orange' : 'teal'}
              style={{ flexShrink: 0 }}
            >
              {t(`list.status.${conversation.status}`)}
            </Badge>
            <WindowIndicator conversation={conversation} />
            <CollisionIndicator present={collision.present} names={memberNames} />
          </Group>
          <ThreadSubline workspaceId={workspaceId} conversation={conversation} />
        </Stack>
      </Group>
      <Group gap="xs" wrap="wrap" style={{ flexShrink: 1 }}>
        {onShowContact && (
          <Tooltip label={t('conversation.contactDetails')}>
            <ActionIcon
              variant="default"
              size="lg"
              onClick={onShowContact}
              aria-label={t('conversation.contactDetails')}
            >
              <IconId size={18} aria-hidden />
            </ActionIcon>
          </Tooltip>
        )}
        <ThreadControls workspaceId={workspaceId} conversation={conversation} myUserId={myUserId} />
      </Group>
    </Group>
  );
}

function LoadedConversation(props: Props & { conversation: ConversationDto }) {
  const { t, i18n } = useTranslation('inbox');
  const { workspaceId, conversation, myUserId } = props;
  const messages = useMessages(workspaceId, conversation.id);
  const members = useMembers(workspaceId);
  const markRead = useMarkRead(workspaceId);
  const react = useReact(workspaceId, conversation.id);
  const retry = useRetryMessage(workspaceId, conversation.id);
  const now = useMinuteTick();
  const windowOpen = windowRemainingMs(conversation.lastInboundAt, now) > 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  // Files dropped on the conversation go to the composer.
  const attachRef = useRef<AttachFiles | null>(null);
  const drop = useFileDrop(useCallback((files: File[]) => attachRef.current?.(files), []));
  const [replyTo, setReplyTo] = useState<MessageDto | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const stickToBottom = useRef(true);
  const restoreFrom = useRef<number | null>(null);

  const ordered = useMemo(
    () => (messages.data?.pages.flatMap((page) => page.messages) ?? []).slice().reverse(),
    [messages.data],
  );
  const byProviderId = useMemo(() => {
    const map = new Map<string, MessageDto>();
    for (const m of ordered) if (m.providerMessageId) map.set(m.providerMessageId, m);
    return map;
  }, [ordered]);
  const reactions = useMemo(() => collectReactions(ordered), [ordered]);
  const memberNames = useMemo(
    () => new Map((members.data?.members ?? []).map((m) => [m.userId, m.name])),
    [members.data],
  );
  const collision = useCollision(conversation.id, myUserId);

  // Opening a conversation, and new messages while it is open and visible, mark it read.
  const unread = conversation.unreadCount;
  const unreadRef = useRef(unread);
  unreadRef.current = unread;
  const markedId = useRef('');
  const { mutate: markReadMutate } = markRead;
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible') return;
      if (markedId.current === conversation.id && unreadRef.current === 0) return;
      markedId.current = conversation.id;
      markReadMutate(conversation.id);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [conversation.id, unread, markReadMutate]);

  // Reset per conversation.
  useEffect(() => {
    setReplyTo(null);
    stickToBottom.current = true;
  }, [conversation.id]);

  const newestId = ordered[ordered.length - 1]?.id;
  const oldestId = ordered[0]?.id;

  // Keep the view at the bottom when it was there; keep the position when older messages are added on top.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (restoreFrom.current !== null) {
      el.scrollTop += el.scrollHeight - restoreFrom.current;
      restoreFrom.current = null;
      return;
    }
    if (stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [newestId, oldestId, ordered.length, conversation.id]);

  // Bubbles change height after they are laid out (pictures and players load, a failure explanation
  // appears): stay at the bottom if the view was there.
  const observeList = useCallback((list: HTMLOListElement | null) => {
    if (!list || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const el = scrollRef.current;
      if (el && stickToBottom.current && restoreFrom.current === null) el.scrollTop = el.scrollHeight;
    });
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    stickToBottom.current = bottom;
    setAtBottom(bottom);
  };

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages;
  const loadOlder = useCallback(() => {
    if (!hasNextPage || isFetchingNextPage) return;
    restoreFrom.current = scrollRef.current?.scrollHeight ?? null;
    void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // Scrolling up near the oldest loaded message loads the page before it (once the agent scrolled).
  const topRef = useRef<HTMLDivElement>(null);
  useLoadMore(topRef, scrollRef, hasNextPage && !isFetchingNextPage && !atBottom, loadOlder);

  const jumpToLatest = () => {
    const el = scrollRef.current;
    if (!el) return;
    stickToBottom.current = true;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  };

  const onReply = useCallback((message: MessageDto) => {
    setReplyTo(message);
    inputRef.current?.focus();
  }, []);

  const { mutate: reactMutate } = react;
  const onReact = useCallback(
    (message: MessageDto, emoji: string) => reactMutate({ messageId: message.id, emoji }),
    [reactMutate],
  );
  const { mutate: retryMutate } = retry;
  const onRetry = useCallback((message: MessageDto) => retryMutate(message.id), [retryMutate]);
  const retryingId = retry.isPending ? retry.variables : null;

  const onQuoteClick = useCallback((providerId: string) => {
    const target = scrollRef.current?.querySelector<HTMLElement>(
      `[data-provider-id="${CSS.escape(providerId)}"]`,
    );
    if (!target) return;
    target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    target.classList.add('inbox-flash');
    window.setTimeout(() => target.classList.remove('inbox-flash'), 1200);
  }, []);

  const senderName = (m: MessageDto) =>
    m.direction !== 'outbound'
      ? null
      : m.senderUserId
        ? (memberNames.get(m.senderUserId) ?? t('message.teamMember'))
        : t('message.automatic');

  let lastDay = '';
  // Reactions are shown on their message; only those whose message is not loaded, and ours that failed,
  // get a line of their own.
  const visible = ordered.filter(
    (m) =>
      m.type !== 'reaction' ||
      (m.direction === 'outbound' && m.status === 'failed') ||
      !byProviderId.has(str(part(m)?.message_id) ?? ''),
  );

  return (
    <section className="inbox-conversation" aria-label={t('conversation.region')} {...drop.handlers}>
      {drop.active && <DropOverlay />}
      <Header {...props} collision={collision} memberNames={memberNames} />
      <div className="inbox-messages-wrap">
        <div ref={scrollRef} className="inbox-messages" onScroll={onScroll}>
          {messages.isError ? (
            <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />
          ) : messages.isPending ? (
            <Center h="100%">
              <Loader size="sm" />
            </Center>
          ) : (
            <>
              <div ref={topRef} aria-hidden />
              <Center py="xs">
                {messages.hasNextPage ? (
                  <Button
                    variant="default"
                    size="xs"
                    onClick={loadOlder}
                    loading={messages.isFetchingNextPage}
                    data-testid="load-older"
                  >
                    {t('conversation.loadOlder')}
                  </Button>
                ) : (
                  <Text size="xs" c="dimmed">
                    {ordered.length ? t('conversation.start') : t('conversation.empty')}
                  </Text>
                )}
              </Center>
              <ol ref={observeList} className="inbox-message-list" aria-label={t('conversation.messages')}>
                {visible.map((m) => {
                  const day = dayKey(m.createdAt);
                  const separator = day !== lastDay;
                  lastDay = day;
                  return (
                    <Fragment key={m.id}>
                      {separator && (
                        <li className="inbox-day" aria-hidden={false}>
                          <Text size="xs" c="dimmed" component="span" className="inbox-day-label">
                            {dayLabel(m.createdAt, i18n.language, t)}
                          </Text>
                        </li>
                      )}
                      <li>
                        {m.kind === 'activity' ? (
                          <ActivityLine message={m} names={memberNames} language={i18n.language} />
                        ) : m.kind === 'note' ? (
                          <NoteBubble message={m} names={memberNames} language={i18n.language} />
                        ) : m.type === 'reaction' ? (
                          <ReactionLine message={m} language={i18n.language} />
                        ) : (
                          <MessageBubble
                            message={m}
                            senderName={senderName(m)}
                            quoted={m.replyToProviderId ? byProviderId.get(m.replyToProviderId) : null}
                            reactions={m.providerMessageId ? reactions.get(m.providerMessageId) : undefined}
                            language={i18n.language}
                            windowOpen={windowOpen}
                            retrying={retryingId === m.id}
                            onReply={onReply}
                            onReact={onReact}
                            onRetry={onRetry}
                            onQuoteClick={onQuoteClick}
                          />
                        )}
                      </li>
                    </Fragment>
                  );
                })}
              </ol>
            </>
          )}
        </div>
        {!atBottom && (
          <Button
            className="inbox-jump"
            size="xs"
            radius="xl"
            variant="default"
            leftSection={<IconArrowDown size={14} aria-hidden />}
            onClick={jumpToLatest}
          >
            {t('conversation.jumpToLatest')}
          </Button>
        )}
      </div>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {props.announcement}
      </div>
      <Composer
        workspaceId={workspaceId}
        conversation={conversation}
        myUserId={myUserId}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onSent={() => {
          stickToBottom.current = true;
        }}
        inputRef={inputRef}
        attachRef={attachRef}
        collision={collision}
        messages={ordered}
        memberNames={memberNames}
      />
    </section>
  );
}

function useMinuteTick(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** A reaction shown on its own: its message is not loaded, or ours could not be sent. */
function ReactionLine({ message, language }: { message: MessageDto; language: string }) {
  const { t } = useTranslation('inbox');
  const emoji = str(part(message)?.emoji);
  const outbound = message.direction === 'outbound';
  const failed = outbound && message.status === 'failed';
  return (
    <Text
      size="xs"
      c={failed ? 'red' : 'dimmed'}
      ta={outbound ? 'right' : 'left'}
      px="sm"
      data-testid="message-bubble"
      data-message-id={message.id}
      data-status={message.status}
    >
      {failed
        ? t('message.reactionFailed', { emoji: emoji ?? '' })
        : emoji
          ? t('message.reactedTo', { emoji })
          : t('message.reactionRemoved')}
      {failed && message.errorCode != null && <> {explainErrorCode(message.errorCode, language)}</>}
    </Text>
  );
}
