import {
  Anchor,
  Button,
  Card,
  CopyButton,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { ConsentSettingsDto } from '@parley/contracts';
import { IconDownload } from '@tabler/icons-react';
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useChannels } from '../channels/api';
import { useWorkspace } from '../shell/workspace-context';
import { signUpLink, useConsentSettings, useUpdateConsentSettings } from './api';
import './i18n';

/** `/w/:id/settings/consent`: keywords, the double opt-in's texts, and the sign-up link with its QR code. */
export function ConsentSettingsPage() {
  const { t } = useTranslation('consents');
  const { workspaceId } = useWorkspace();
  const settings = useConsentSettings(workspaceId);
  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {settings.data ? (
        <Stack gap="lg">
          <SettingsForm initial={settings.data} />
          <SignUpCard keyword={settings.data.optInKeywords[0] ?? 'START'} />
        </Stack>
      ) : (
        <Skeleton height={400} />
      )}
    </>
  );
}

function SettingsForm({ initial }: { initial: ConsentSettingsDto }) {
  const { t } = useTranslation('consents');
  const { workspaceId, isManager } = useWorkspace();
  const update = useUpdateConsentSettings(workspaceId);
  const [v, setV] = useState(initial);
  useEffect(() => setV(initial), [initial]);
  const errors = fieldErrors(update.error);
  const set = <K extends keyof ConsentSettingsDto>(key: K, value: ConsentSettingsDto[K]) =>
    setV((old) => ({ ...old, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(v, { onSuccess: () => notifySuccess(t('settings.saved')) });
  };
  const text = (key: 'confirmQuestion' | 'confirmedReply' | 'optOutReply') => (
    <Textarea
      label={t(`settings.${key}`)}
      autosize
      minRows={2}
      maxLength={1000}
      value={v[key]}
      onChange={(e) => set(key, e.currentTarget.value)}
      error={errors[`body.${key}`]}
      disabled={!isManager}
      data-testid={`consent-${key}`}
    />
  );
  return (
    <SectionCard title={t('settings.keywordsTitle')} description={t('settings.keywordsText')}>
      <form onSubmit={submit} noValidate>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Stack gap="sm">
            <TagsInput
              label={t('settings.optIn')}
              description={t('settings.optInHint')}
              value={v.optInKeywords}
              onChange={(x) => set('optInKeywords', x)}
              error={errors['body.optInKeywords']}
              disabled={!isManager}
              maxTags={20}
            />
            <TagsInput
              label={t('settings.optOut')}
              description={t('settings.optOutHint')}
              value={v.optOutKeywords}
              onChange={(x) => set('optOutKeywords', x)}
              error={errors['body.optOutKeywords']}
              disabled={!isManager}
              maxTags={20}
              data-testid="consent-opt-out"
            />
            {text('confirmQuestion')}
            <Group grow>
              <TextInput
                label={t('settings.confirmYes')}
                maxLength={20}
                value={v.confirmYes}
                onChange={(e) => set('confirmYes', e.currentTarget.value)}
                error={errors['body.confirmYes']}
                disabled={!isManager}
              />
              <TextInput
                label={t('settings.confirmNo')}
                maxLength={20}
                value={v.confirmNo}
                onChange={(e) => set('confirmNo', e.currentTarget.value)}
                error={errors['body.confirmNo']}
                disabled={!isManager}
              />
            </Group>
            {text('confirmedReply')}
            {text('optOutReply')}
          </Stack>
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('settings.preview')}
            </Text>
            <Card
              radius="lg"
              p="md"
              style={{ background: '#efeae2' }}
              aria-label={t('settings.preview')}
              data-testid="consent-preview"
            >
              <Stack gap={6} maw={320}>
                <Card radius="md" p="xs" style={{ alignSelf: 'flex-end', background: '#d9fdd3' }}>
                  <Text size="sm">{v.optInKeywords[0] ?? 'START'}</Text>
                </Card>
                <Card radius="md" p="xs">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {v.confirmQuestion}
                  </Text>
                </Card>
                <Group grow gap={6}>
                  <Card radius="md" p={6} ta="center">
                    <Text size="sm" c="teal.8" fw={500}>
                      {v.confirmYes}
                    </Text>
                  </Card>
                  <Card radius="md" p={6} ta="center">
                    <Text size="sm" c="teal.8" fw={500}>
                      {v.confirmNo}
                    </Text>
                  </Card>
                </Group>
                <Card radius="md" p="xs" style={{ alignSelf: 'flex-end', background: '#d9fdd3' }}>
                  <Text size="sm">{v.confirmYes}</Text>
                </Card>
                <Card radius="md" p="xs">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {v.confirmedReply}
                  </Text>
                </Card>
              </Stack>
            </Card>
            <Text size="xs" c="dimmed">
              {t('settings.doubleOptIn')}
            </Text>
          </Stack>
        </SimpleGrid>
        <FormError error={update.error} />
        {isManager && (
          <Group justify="flex-end" mt="md">
            <Button type="submit" loading={update.isPending} data-testid="consent-settings-save">
              {t('save')}
            </Button>
          </Group>
        )}
      </form>
    </SectionCard>
  );
}

function SignUpCard({ keyword }: { keyword: string }) {
  const { t } = useTranslation('consents');
  const { workspaceId } = useWorkspace();
  const channels = (useChannels(workspaceId).data?.channels ?? []).filter((c) => c.displayPhoneNumber);
  const [channelId, setChannelId] = useState<string | null>(null);
  const channel = channels.find((c) => c.id === channelId) ?? channels[0];
  const link = channel?.displayPhoneNumber ? signUpLink(channel.displayPhoneNumber, keyword) : null;
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    if (!link) return setSvg(null);
    let live = true;
    void QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((s) => {
      if (live) setSvg(s);
    });
    return () => {
      live = false;
    };
  }, [link]);
  const download = () => {
    if (!svg) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    a.download = 'parley-newsletter-qr.svg';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <SectionCard title={t('settings.signUpTitle')} description={t('settings.signUpText', { keyword })}>
      {!link ? (
        <Text c="dimmed" size="sm">
          {t('settings.noNumber')}
        </Text>
      ) : (
        <Group align="flex-start" gap="xl" wrap="wrap">
          <Stack gap="sm" style={{ flex: '1 1 18rem' }}>
            {channels.length > 1 && (
              <Select
                label={t('settings.number')}
                data={channels.map((c) => ({ value: c.id, label: `${c.name} (${c.displayPhoneNumber})` }))}
                value={channel?.id ?? null}
                onChange={setChannelId}
                allowDeselect={false}
              />
            )}
            <Text size="sm" fw={600}>
              {t('settings.link')}
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Anchor
                href={link}
                target="_blank"
                rel="noreferrer"
                size="sm"
                data-testid="consent-signup-link"
              >
                {link}
              </Anchor>
              <CopyButton value={link}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? t('settings.copied') : t('settings.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" c="dimmed">
              {t('settings.linkHint')}
            </Text>
          </Stack>
          <Stack gap="xs" align="center">
            {svg && (
              <img
                src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
                alt={t('settings.qrAlt', { link })}
                width={180}
                height={180}
                data-testid="consent-qr"
              />
            )}
            <Button
              size="xs"
              variant="default"
              leftSection={<IconDownload size={14} aria-hidden />}
              onClick={download}
              disabled={!svg}
            >
              {t('settings.downloadQr')}
            </Button>
          </Stack>
        </Group>
      )}
    </SectionCard>
  );
}
