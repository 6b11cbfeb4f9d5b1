import { Group, Kbd, Modal, Stack, Text } from '@mantine/core';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { SHORTCUTS } from './shortcuts';

const keyLabels: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', Enter: 'Enter', Escape: 'Esc' };

/** `?`: every shortcut of the inbox, in the user's language. */
export function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('inboxList');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('shortcuts.title')}
      closeButtonProps={{ 'aria-label': t('views.cancel') }}
      size="md"
      data-testid="shortcuts-help"
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('shortcuts.lead')}
        </Text>
        <dl className="list-shortcuts" data-testid="shortcut-list">
          {SHORTCUTS.map(({ keys, action }) => (
            <Fragment key={action}>
              <dt>
                <Group gap={4} wrap="nowrap">
                  {keys.map((key, i) => (
                    <Fragment key={key}>
                      {i > 0 && (
                        <Text size="xs" c="dimmed" component="span">
                          {t('shortcuts.or')}
                        </Text>
                      )}
                      <Kbd size="sm">{keyLabels[key] ?? key}</Kbd>
                    </Fragment>
                  ))}
                </Group>
              </dt>
              <dd>{t(`shortcuts.${action}`)}</dd>
            </Fragment>
          ))}
        </dl>
        <Text size="xs" c="dimmed">
          {t('shortcuts.selectionHint')} {t('shortcuts.shiftClick')}
        </Text>
      </Stack>
    </Modal>
  );
}
