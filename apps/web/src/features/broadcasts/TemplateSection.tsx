import { Alert, Badge, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard';
import { type ChannelDto, useChannels } from '../channels/api';
import type { TemplateDto } from '../inbox/composer/api';
import { TemplatePreview } from '../inbox/composer/TemplatePreview';
import { type BroadcastForm, unsupportedTemplate } from './model';

const emptyValues = { body: {}, header: {}, buttons: {} };

export const channelLabel = (c: ChannelDto) =>
  c.displayPhoneNumber && c.name !== c.displayPhoneNumber ? `${c.name} (${c.displayPhoneNumber})` : c.name;

/** Step 1: the number to send from and one of its approved templates, with a preview. */
export function TemplateSection({
  ws,
  form,
  onChannel,
  onTemplate,
  templates,
  template,
  error,
}: {
  ws: string;
  form: BroadcastForm;
  onChannel: (channelId: string | null) => void;
  onTemplate: (templateId: string | null) => void;
  templates: TemplateDto[];
  template: TemplateDto | null;
  error?: string;
}) {
  const { t } = useTranslation('broadcasts');
  const channels = (useChannels(ws).data?.channels ?? []).filter((c) => c.status === 'active');
  const firstChannel = channels.length === 1 ? channels[0]?.id : undefined;
  // With one number there is nothing to choose.
  useEffect(() => {
    if (!form.channelId && firstChannel) onChannel(firstChannel);
  }, [form.channelId, firstChannel, onChannel]);

  return (
    <SectionCard title={t('new.templateTitle')} description={t('new.templateText')} headingId="bc-template">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="sm">
          <Select
            label={t('new.number')}
            placeholder={t('new.numberPlaceholder')}
            data={channels.map((c) => ({ value: c.id, label: channelLabel(c) }))}
            value={form.channelId}
            onChange={onChannel}
            allowDeselect={false}
            required
            data-testid="broadcast-channel"
          />
          <Select
            label={t('new.template')}
            placeholder={form.channelId ? t('new.templatePlaceholder') : t('new.templateNeedsNumber')}
            data={templates.map((tpl) => ({
              value: tpl.id,
              label: `${tpl.name} · ${tpl.language} · ${tpl.category}`,
              disabled: unsupportedTemplate(tpl),
            }))}
            value={form.templateId}
            onChange={onTemplate}
            disabled={!form.channelId}
            searchable
            nothingFoundMessage={t('new.noTemplates')}
            required
            error={error}
            data-testid="broadcast-template"
          />
          {form.channelId && templates.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('new.noTemplates')}
            </Text>
          )}
          {templates.some(unsupportedTemplate) && (
            <Text size="xs" c="dimmed">
              {t('new.unsupportedHint')}
            </Text>
          )}
          {template && (
            <Group gap="xs">
              <Badge variant="light">{template.category}</Badge>
              <Badge variant="outline">{template.language}</Badge>
            </Group>
          )}
          {template?.category.toUpperCase() === 'MARKETING' && (
            <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} aria-hidden />}>
              {t('new.marketingHint')}
            </Alert>
          )}
        </Stack>
        {template && (
          <figure aria-label={t('new.previewLabel')} style={{ margin: 0 }}>
            <TemplatePreview template={template} values={emptyValues} />
          </figure>
        )}
      </SimpleGrid>
    </SectionCard>
  );
}
