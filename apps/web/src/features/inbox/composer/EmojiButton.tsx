import { ActionIcon, Center, Loader, Popover, Tooltip, useComputedColorScheme } from '@mantine/core';
import { IconMoodSmile } from '@tabler/icons-react';
import { type KeyboardEvent, lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';

const EmojiPickerPanel = lazy(() => import('./EmojiPickerPanel'));

type Props = {
  /** Inserts the emoji (at the caret of the message field). */
  onPick: (emoji: string) => void;
  /** Called after the picker closed by Escape or a pick: the field takes the focus back. */
  onDone: () => void;
  disabled?: boolean;
};

/** The emoji button of the composer: opens the picker (loaded on first use); Escape closes it. */
export function EmojiButton({ onPick, onDone, disabled }: Props) {
  const { t, i18n } = useTranslation('inbox');
  const [opened, setOpened] = useState(false);
  const scheme = useComputedColorScheme('light');

  const close = () => {
    setOpened(false);
    onDone();
  };
  const onKeyDownCapture = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="top-start"
      shadow="md"
      withinPortal
      trapFocus={false}
      closeOnEscape={false}
      returnFocus={false}
    >
      <Popover.Target>
        <Tooltip label={t('composer.emoji.open')} disabled={opened}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size={36}
            radius="md"
            onClick={() => setOpened((o) => !o)}
            aria-label={t('composer.emoji.open')}
            aria-expanded={opened}
            aria-haspopup="dialog"
            disabled={disabled}
            data-testid="emoji-button"
          >
            <IconMoodSmile size={20} aria-hidden />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown
        p={0}
        role="dialog"
        aria-label={t('composer.emoji.dialog')}
        onKeyDownCapture={onKeyDownCapture}
        className="composer-emoji-dropdown"
      >
        {opened && (
          <Suspense
            fallback={
              <Center className="composer-emoji-loading">
                <Loader size="sm" aria-label={t('composer.emoji.loading')} />
              </Center>
            }
          >
            <EmojiPickerPanel
              language={i18n.language}
              theme={scheme}
              onSelect={(emoji) => {
                onPick(emoji);
                close();
              }}
            />
          </Suspense>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
