import { Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import type { NotificationSettings } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard';
import { apiGet, apiPut, workspacePath } from '../../lib/api';
import { notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { disablePush, enablePush, type PushSupport, pushState } from './push';
import './i18n';

const settingsKey = (ws: string) => ['workspace', ws, 'notification-settings'] as const;

/** Profile section: Web Push in this browser, and which kinds of notification reach me. */
export function NotificationSettingsSection() {
  const { t } = useTranslation('push');
  const { workspaceId } = useWorkspace();
  const queryClient = useQueryClient();
  const [state, setState] = useState<PushSupport | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void pushState().then(setState);
  }, []);
  const settings = useQuery({
    queryKey: settingsKey(workspaceId),
    queryFn: () => apiGet<NotificationSettings>(workspacePath(workspaceId, '/notification-settings')),
  });
  const save = useMutation({
    mutationFn: (next: NotificationSettings) =>
      apiPut<NotificationSettings>(workspacePath(workspaceId, '/notification-settings'), next),
    onSuccess: (data) => {
      queryClient.setQueryData(settingsKey(workspaceId), data);
      notifySuccess(t('saved'));
    },
  });
  const s = settings.data;
  const toggle = (change: (v: NotificationSettings) => NotificationSettings) => s && save.mutate(change(s));
  const switchPush = async () => {
    setBusy(true);
    try {
      setState(state === 'on' ? await disablePush() : await enablePush());
    } finally {
      setBusy(false);
    }
  };
  return (
    <SectionCard title={t('title')} description={t('description')}>
      <Stack gap="sm" data-testid="notification-settings">
        <Group justify="space-between" wrap="wrap">
          <div>
            <Text fw={500}>{t('browser')}</Text>
            <Text size="sm" c="dimmed">
              {state ? t(state) : ''}
            </Text>
          </div>
          {(state === 'on' || state === 'off') && (
            <Button variant="default" loading={busy} onClick={() => void switchPush()}>
              {state === 'on' ? t('disable') : t('enable')}
            </Button>
          )}
        </Group>
        {s && (
          <>
            <Checkbox
              label={t('mention')}
              checked={s.push.mention}
              onChange={(e) =>
                toggle((v) => ({ ...v, push: { ...v.push, mention: e.currentTarget.checked } }))
              }
            />
            <Checkbox
              label={t('assignment')}
              checked={s.push.assignment}
              onChange={(e) =>
                toggle((v) => ({ ...v, push: { ...v.push, assignment: e.currentTarget.checked } }))
              }
            />
            <Checkbox
              label={t('message')}
              checked={s.push.message}
              onChange={(e) =>
                toggle((v) => ({ ...v, push: { ...v.push, message: e.currentTarget.checked } }))
              }
            />
            <Checkbox
              label={t('sound')}
              checked={s.sound}
              onChange={(e) => toggle((v) => ({ ...v, sound: e.currentTarget.checked }))}
            />
          </>
        )}
      </Stack>
    </SectionCard>
  );
}
