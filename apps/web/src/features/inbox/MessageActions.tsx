import { ActionIcon, Menu, Text, Tooltip } from '@mantine/core';
import { IconArrowBackUp, IconMoodSmile, IconX } from '@tabler/icons-react';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageDto } from './api';
import { QUICK_REACTIONS } from './model';
import './i18n';

type Props = {
  message: MessageDto;
  /** Our current reaction on this message (null: none). */
  ours: string | null;
  /** Reactions are free-form messages: they need the 24-hour window open. */
  windowOpen: boolean;
  onReply: ((message: MessageDto) => void) | null;
  onReact: ((message: MessageDto, emoji: string) => void) | null;
};

/** ←/→ move between the emoji of the row (the menu itself moves with ↑/↓). */
function onRowKeyDown(event: KeyboardEvent<HTMLDivElement>) {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  const items = [
    ...event.currentTarget.querySelectorAll<HTMLElement>('[data-menu-item]:not([data-disabled])'),
  ];
  const current = items.indexOf(document.activeElement as HTMLElement);
  if (current === -1) return;
  event.preventDefault();
  const rtl = getComputedStyle(event.currentTarget).direction === 'rtl';
  const step = (event.key === 'ArrowRight') !== rtl ? 1 : -1;
  items[(current + step + items.length) % items.length]?.focus();
}

/**
 * The actions beside a bubble (shown on hover and focus, always on touch screens): reply, and react
 * with one of WhatsApp's quick reactions or remove ours. Reactions go to the customer's messages only.
 */
export function MessageActions({ message, ours, windowOpen, onReply, onReact }: Props) {
  const { t } = useTranslation('inbox');
  if (!message.providerMessageId) return null;
  const canReact = onReact && message.direction === 'inbound';
  if (!onReply && !canReact) return null;
  return (
    <div className="inbox-actions">
      {onReply && (
        <Tooltip label={t('message.replyTo')}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={t('message.reply')}
            onClick={() => onReply(message)}
          >
            <IconArrowBackUp size={16} aria-hidden />
          </ActionIcon>
        </Tooltip>
      )}
      {canReact && (
        <Menu position="top" shadow="md" withinPortal loop>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t('message.react')}>
              <IconMoodSmile size={16} aria-hidden />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown aria-label={t('message.reactions')} data-testid="reaction-menu">
            {!windowOpen && (
              <Text size="xs" c="dimmed" maw={240} px={8} py={4}>
                {t('message.reactWindowClosed')}
              </Text>
            )}
            <div className="inbox-reaction-row" onKeyDown={onRowKeyDown} role="none">
              {QUICK_REACTIONS.map(({ emoji, name }) => (
                <Menu.Item
                  key={emoji}
                  className="inbox-reaction-item"
                  disabled={!windowOpen}
                  data-selected={ours === emoji || undefined}
                  aria-label={
                    ours === emoji
                      ? t('message.emojiOurs', { name: t(`message.emoji.${name}`) })
                      : t(`message.emoji.${name}`)
                  }
                  onClick={() => onReact(message, emoji)}
                >
                  <span aria-hidden>{emoji}</span>
                </Menu.Item>
              ))}
            </div>
            {ours && (
              <Menu.Item
                leftSection={<IconX size={14} aria-hidden />}
                disabled={!windowOpen}
                onClick={() => onReact(message, '')}
              >
                {t('message.removeReaction')}
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      )}
    </div>
  );
}
