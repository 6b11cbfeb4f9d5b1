import { Anchor, Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconAddressBook,
  IconAlertTriangle,
  IconArrowForwardUp,
  IconCheck,
  IconChecks,
  IconClock,
  IconClockQuestion,
  IconMapPin,
  IconQuestionMark,
  IconShoppingCart,
  IconSpeakerphone,
} from '@tabler/icons-react';
import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useWorkspace } from '../shell/workspace-context';
import type { MessageDto } from './api';
import { DeliveryNotice } from './DeliveryNotice';
import { MediaContent, mediaCaption } from './MediaContent';
import { MessageActions } from './MessageActions';
import { isRecord, MEDIA_TYPES, part, type Reactions, safeHttpUrl, str, summary, timeOf } from './model';
import './i18n';

const MEDIA_TYPE_SET = new Set<string>(MEDIA_TYPES);

const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Text with http(s) URLs as links; everything is React text (never HTML). */
export function LinkifiedText({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    const start = match.index ?? 0;
    // Trailing punctuation is rarely part of the link.
    const raw = match[0].replace(/[.,;:!?)\]]+$/, '');
    const href = safeHttpUrl(raw);
    if (!href) continue;
    if (start > last) out.push(text.slice(last, start));
    out.push(
      <Anchor key={start} href={href} target="_blank" rel="noopener noreferrer" inherit>
        {raw}
      </Anchor>,
    );
    last = start + raw.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}

function StatusTick({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  const label = t(`message.status.${message.status}`);
  const size = 15;
  switch (message.status) {
    case 'pending':
      return <IconClock size={size} aria-label={label} role="img" className="inbox-tick" />;
    case 'sent':
      return <IconCheck size={size} aria-label={label} role="img" className="inbox-tick" />;
    case 'delivered':
      return <IconChecks size={size} aria-label={label} role="img" className="inbox-tick" />;
    case 'read':
      return <IconChecks size={size} aria-label={label} role="img" className="inbox-tick inbox-tick-read" />;
    case 'failed':
      return (
        <IconAlertTriangle size={size} aria-label={label} role="img" color="var(--mantine-color-red-text)" />
      );
    case 'unknown':
      return <IconClockQuestion size={size} aria-label={label} role="img" className="inbox-tick" />;
    default:
      return null;
  }
}

function MediaWithCaption({ message, language }: { message: MessageDto; language: string }) {
  const caption = mediaCaption(message);
  return (
    <Stack gap={6}>
      <MediaContent message={message} language={language} />
      {caption && (
        <Text size="sm" className="inbox-text" dir="auto">
          <LinkifiedText text={caption} />
        </Text>
      )}
    </Stack>
  );
}

function LocationCard({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  const location = part(message);
  const lat = Number(location?.latitude);
  const lon = Number(location?.longitude);
  const valid = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const name = str(location?.name);
  const address = str(location?.address);
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <IconMapPin size={24} stroke={1.5} aria-hidden style={{ flexShrink: 0 }} />
      <Stack gap={2} miw={0}>
        <Text size="sm" fw={600} dir="auto" className="inbox-break">
          {name ?? t('message.types.location')}
        </Text>
        {address && (
          <Text size="sm" dir="auto" className="inbox-break">
            {address}
          </Text>
        )}
        {valid && (
          <Anchor
            size="sm"
            href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`}
            target="_blank"
            rel="noopener noreferrer"
          >
            {t('message.openMap')}
            <span className="visually-hidden"> ({t('message.opensNewTab')})</span>
          </Anchor>
        )}
      </Stack>
    </Group>
  );
}

function ContactsCard({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  const list = Array.isArray(message.content?.contacts) ? message.content.contacts.filter(isRecord) : [];
  return (
    <Stack gap="xs">
      {list.map((contact, i) => {
        const name = isRecord(contact.name) ? contact.name : {};
        const display =
          str(name.formatted_name) ??
          ([str(name.first_name), str(name.last_name)].filter(Boolean).join(' ') ||
            t('message.contactNoName'));
        const phones = Array.isArray(contact.phones) ? contact.phones.filter(isRecord) : [];
        return (
          <Group key={i} gap="sm" wrap="nowrap" align="flex-start">
            <IconAddressBook size={22} stroke={1.5} aria-hidden style={{ flexShrink: 0 }} />
            <Stack gap={0} miw={0}>
              <Text size="sm" fw={600} dir="auto" className="inbox-break">
                {display}
              </Text>
              {phones.map((phone, j) => (
                <Text key={j} size="sm" className="inbox-break">
                  {str(phone.phone) ?? str(phone.wa_id)}
                  {str(phone.type) ? ` (${str(phone.type)})` : ''}
                </Text>
              ))}
            </Stack>
          </Group>
        );
      })}
    </Stack>
  );
}

function OrderCard({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  const order = part(message);
  const items = Array.isArray(order?.product_items) ? order.product_items.filter(isRecord) : [];
  const count = items.reduce((sum, item) => sum + (Number(item.quantity) || 1), 0);
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start">
      <IconShoppingCart size={24} stroke={1.5} aria-hidden style={{ flexShrink: 0 }} />
      <Stack gap={2} miw={0}>
        <Text size="sm" fw={600}>
          {t('message.types.order')} · {t('message.orderItems', { count })}
        </Text>
        {str(order?.text) && (
          <Text size="sm" dir="auto" className="inbox-text">
            {str(order?.text)}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

function Unsupported({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  return (
    <Group gap="sm" wrap="nowrap">
      <IconQuestionMark size={22} stroke={1.5} aria-hidden style={{ flexShrink: 0 }} />
      <Stack gap={0}>
        <Text size="sm" style={{ fontStyle: 'italic' }}>
          {t('message.unsupported')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('message.unsupportedType', { type: message.type })}
        </Text>
        {message.text && (
          <Text size="sm" dir="auto" className="inbox-text">
            {message.text}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/**
 * Where a customer's message came from: forwarded, or a click on a WhatsApp ad or post (the ad's
 * headline and a link to it; only http(s) links).
 */
function Origin({ message }: { message: MessageDto }) {
  const { t } = useTranslation('inbox');
  const context = isRecord(message.content?.context) ? message.content.context : null;
  const referral = isRecord(message.content?.referral) ? message.content.referral : null;
  const forwarded =
    context?.frequently_forwarded === true ? 'often' : context?.forwarded === true ? 'once' : null;
  if (!forwarded && !referral) return null;
  const source = referral ? safeHttpUrl(str(referral.source_url) ?? '') : null;
  const headline = referral ? (str(referral.headline) ?? str(referral.body)) : null;
  return (
    <Stack gap={2} mb={4}>
      {forwarded && (
        <Group gap={4} c="dimmed" wrap="nowrap">
          <IconArrowForwardUp size={14} aria-hidden />
          <Text size="xs" fs="italic" c="inherit">
            {forwarded === 'often' ? t('message.forwardedOften') : t('message.forwarded')}
          </Text>
        </Group>
      )}
      {referral && (
        <Paper
          withBorder
          radius="md"
          px="xs"
          py={4}
          className="inbox-referral"
          data-testid="message-referral"
        >
          <Group gap={6} wrap="nowrap" align="flex-start">
            <IconSpeakerphone size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
            <Stack gap={0} miw={0}>
              <Text size="xs" fw={600}>
                {referral.source_type === 'post' ? t('message.fromPost') : t('message.fromAd')}
              </Text>
              {headline && (
                <Text size="xs" dir="auto" lineClamp={3} className="inbox-break">
                  {headline}
                </Text>
              )}
              {source && (
                <Anchor href={source} target="_blank" rel="noopener noreferrer" size="xs">
                  {t('message.openAd')}
                </Anchor>
              )}
            </Stack>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

/** The body of a message by its type. Unknown types are shown as "not supported yet", never dropped. */
export function MessageContent({ message, language }: { message: MessageDto; language: string }) {
  const { t } = useTranslation('inbox');
  if (MEDIA_TYPE_SET.has(message.type)) return <MediaWithCaption message={message} language={language} />;
  switch (message.type) {
    case 'text':
    case 'button':
    case 'interactive':
      if (message.text)
        return (
          <Text size="sm" className="inbox-text" dir="auto">
            <LinkifiedText text={message.text} />
          </Text>
        );
      return <Unsupported message={message} />;
    case 'template':
      return (
        <Stack gap={2}>
          <Text size="xs" c="dimmed" dir="auto" className="inbox-break">
            {t('message.template', { name: str(part(message)?.name) ?? '' })}
          </Text>
          {message.media && <MediaContent message={message} language={language} />}
          {message.text && (
            <Text size="sm" className="inbox-text" dir="auto">
              <LinkifiedText text={message.text} />
            </Text>
          )}
        </Stack>
      );
    case 'location':
      return <LocationCard message={message} />;
    case 'contacts':
      return <ContactsCard message={message} />;
    case 'order':
      return <OrderCard message={message} />;
    default:
      return <Unsupported message={message} />;
  }
}

export type BubbleProps = {
  message: MessageDto;
  senderName: string | null;
  quoted: MessageDto | null | undefined;
  reactions: Reactions | undefined;
  language: string;
  /** The 24-hour window is open (reactions and free-form retries need it). */
  windowOpen: boolean;
  /** A retry of this message is on its way. */
  retrying: boolean;
  onReply: ((message: MessageDto) => void) | null;
  onReact: ((message: MessageDto, emoji: string) => void) | null;
  onRetry: ((message: MessageDto) => void) | null;
  onQuoteClick: (providerId: string) => void;
};

export const MessageBubble = memo(function MessageBubble({
  message,
  senderName,
  quoted,
  reactions,
  language,
  windowOpen,
  retrying,
  onReply,
  onReact,
  onRetry,
  onQuoteClick,
}: BubbleProps) {
  const { t } = useTranslation('inbox');
  const outbound = message.direction === 'outbound';

  if (message.type === 'system') {
    const body = str(part(message)?.body) ?? message.text ?? t('message.types.system');
    return (
      <div
        className="inbox-system"
        data-testid="message-bubble"
        data-message-id={message.id}
        data-status={message.status}
      >
        <Badge variant="light" color="gray" size="lg" tt="none" fw={500} className="inbox-break">
          {body}
        </Badge>
      </div>
    );
  }

  const quote = message.replyToProviderId ? (
    <button
      type="button"
      className="inbox-quote"
      onClick={() => message.replyToProviderId && onQuoteClick(message.replyToProviderId)}
    >
      <Text size="xs" lineClamp={2} dir="auto" component="span">
        {quoted ? summary(quoted, t) : t('message.quotedUnknown')}
      </Text>
    </button>
  ) : null;

  return (
    <div
      className={`inbox-row ${outbound ? 'inbox-row-out' : 'inbox-row-in'}`}
      data-testid="message-bubble"
      data-message-id={message.id}
      data-provider-id={message.providerMessageId ?? undefined}
      data-status={message.status}
    >
      <div className="inbox-bubble-wrap">
        <Paper
          className={`inbox-bubble ${outbound ? 'inbox-bubble-out' : 'inbox-bubble-in'}`}
          radius="lg"
          px="sm"
          py={6}
        >
          {outbound && senderName && (
            <Text size="xs" fw={600} c="teal" mb={2} dir="auto" className="inbox-break">
              {senderName}
            </Text>
          )}
          {quote}
          {!outbound && message.broadcastId && <BroadcastReplyLink broadcastId={message.broadcastId} />}
          <Origin message={message} />
          <MessageContent message={message} language={language} />
          <Group gap={4} justify="flex-end" mt={2} wrap="nowrap">
            <Text size="xs" c="dimmed" component="time" dateTime={message.createdAt}>
              {timeOf(message.createdAt, language)}
            </Text>
            {outbound &&
              (message.status === 'failed' ? (
                <Tooltip
                  label={
                    <>
                      {message.errorTitle ?? t('message.failedGeneric')}
                      {message.errorCode != null && (
                        <>
                          <br />
                          {t('message.errorCode', { code: message.errorCode })}
                        </>
                      )}
                    </>
                  }
                  multiline
                  maw={280}
                >
                  <span className="inbox-failed">
                    <StatusTick message={message} />
                  </span>
                </Tooltip>
              ) : (
                <StatusTick message={message} />
              ))}
          </Group>
          <DeliveryNotice
            message={message}
            language={language}
            windowOpen={windowOpen}
            onRetry={onRetry}
            retrying={retrying}
          />
        </Paper>
        {reactions && <ReactionBadge reactions={reactions} />}
      </div>
      <MessageActions
        message={message}
        ours={reactions?.ours ?? null}
        windowOpen={windowOpen}
        onReply={onReply}
        onReact={onReact}
      />
    </div>
  );
});

/** The reactions under a bubble: the customer's first, then ours (marked). */
function ReactionBadge({ reactions }: { reactions: Reactions }) {
  const { t } = useTranslation('inbox');
  const parts = [
    reactions.customer && t('message.reactionCustomer', { emoji: reactions.customer }),
    reactions.ours && t('message.reactionOurs', { emoji: reactions.ours }),
  ].filter(Boolean);
  return (
    <span className="inbox-reactions" role="img" aria-label={parts.join(', ')} data-testid="reactions">
      {reactions.customer && <span>{reactions.customer}</span>}
      {reactions.ours && <span className="inbox-reaction-ours">{reactions.ours}</span>}
    </span>
  );
}

/** Above a customer's reply to a newsletter: a link to that newsletter's results. */
function BroadcastReplyLink({ broadcastId }: { broadcastId: string }) {
  const { t } = useTranslation('inbox');
  const { workspaceId } = useWorkspace();
  return (
    <Anchor
      component={Link}
      to={`/w/${workspaceId}/broadcasts/${broadcastId}`}
      size="xs"
      c="teal"
      display="block"
      mb={2}
      data-testid="broadcast-reply"
    >
      {t('message.broadcastReply')}
    </Anchor>
  );
}
