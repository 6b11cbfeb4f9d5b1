import { Anchor, Badge, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDate, formatRelative } from '../../lib/format';
import { type ChannelDto, type ConversationDto, useContact } from './api';
import { contactName } from './ConversationList';
import './i18n';

type Props = {
  workspaceId: string;
  conversation: ConversationDto;
  channels: ChannelDto[];
  /** Hide the heading (the drawer has its own title). */
  withTitle?: boolean;
};

/** Name, WhatsApp number and the contact's conversations. */
export function ContactPanel({ workspaceId, conversation, channels, withTitle = true }: Props) {
  const { t } = useTranslation('inbox');
  const contact = useContact(workspaceId, conversation.contact.id);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));

  return (
    <Stack gap="md" p="md" data-testid="contact-panel">
      {withTitle && (
        <Title order={2} fz="sm" tt="uppercase" c="dimmed">
          {t('contact.title')}
        </Title>
      )}
      <Stack gap={2}>
        <Text size="xs" c="dimmed">
          {t('contact.name')}
        </Text>
        <Text fw={600} dir="auto" className="inbox-name inbox-break">
          {contactName(conversation)}
        </Text>
      </Stack>
      {conversation.contact.waId && (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('contact.number')}
          </Text>
          <Text>+{conversation.contact.waId}</Text>
        </Stack>
      )}
      {contact.data && (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('contact.since')}
          </Text>
          <Text size="sm">{formatDate(contact.data.createdAt)}</Text>
        </Stack>
      )}
      <Stack gap={6}>
        <Text size="xs" c="dimmed">
          {t('contact.conversations')}
        </Text>
        {!contact.data ? (
          <Skeleton h={40} />
        ) : (
          <ul className="inbox-plain-list">
            {contact.data.conversations.map((c) => (
              <li key={c.id}>
                <Group gap="xs" wrap="nowrap" justify="space-between">
                  {c.id === conversation.id ? (
                    <Text size="sm" fw={600}>
                      {t('contact.current')}
                    </Text>
                  ) : (
                    <Anchor component={Link} to={`/w/${workspaceId}/inbox/${c.id}`} size="sm">
                      {channelName.get(c.channelId) ?? formatRelative(c.lastMessageAt)}
                    </Anchor>
                  )}
                  <Badge size="xs" variant="light" color={c.status === 'resolved' ? 'gray' : 'teal'}>
                    {t(`list.status.${c.status}`)}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  {channelName.get(c.channelId)} · {formatRelative(c.lastMessageAt)}
                </Text>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </Stack>
  );
}
