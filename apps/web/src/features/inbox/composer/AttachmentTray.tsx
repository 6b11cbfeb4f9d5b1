import { Alert, Button, CloseButton, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import {
  IconAlertCircle,
  IconFile,
  IconFileText,
  IconMusic,
  IconPhoto,
  IconSticker,
  IconVideo,
} from '@tabler/icons-react';
import { type ComponentType, type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../lib/api';
import { describeError } from '../../../lib/notify';
import { captionAllowed, formatFileSize, type MediaKind, sizesForProblem } from './attachments';
import type { Attachment, Refusal } from './use-attachments';

const kindIcons: Record<MediaKind, typeof IconPhoto> = {
  image: IconPhoto,
  video: IconVideo,
  audio: IconMusic,
  document: IconFileText,
  sticker: IconSticker,
};

/** The plain-words reason a file was not taken. */
export function useRefusalText() {
  const { t, i18n } = useTranslation('inbox');
  return (refusal: Refusal): string => {
    const p = refusal.problem;
    if (p.problem === 'type')
      return p.extension
        ? t('composer.attach.problem.type', { ext: p.extension })
        : t('composer.attach.problem.typeUnknown');
    if (p.problem === 'size')
      return t(
        `composer.attach.problem.size.${p.kind}`,
        sizesForProblem(p.maxBytes, p.sizeBytes, i18n.language),
      );
    if (p.problem === 'tooMany') return t('composer.attach.problem.tooMany', { count: 10 });
    return t('composer.attach.problem.empty');
  };
}

/** The server's reason a file failed (the limit in the UI language for a 413). */
function useFailureText() {
  const { t, i18n } = useTranslation('inbox');
  return (item: Attachment): string => {
    const error = item.failure?.error;
    if (isApiError(error, 'media_too_large')) {
      const max = (error.details as { maxBytes?: unknown } | undefined)?.maxBytes;
      if (typeof max === 'number')
        return t('composer.attach.serverTooLarge', { max: formatFileSize(max, i18n.language) });
    }
    const reason = describeError(error);
    return item.failure?.stage === 'upload'
      ? t('composer.attach.uploadFailed', { reason })
      : t('composer.attach.sendFailed', { reason });
  };
}

type Props = {
  items: Attachment[];
  refusals: Refusal[];
  onRemove: (id: string) => void;
  onRetry: (id: string) => void;
  onCaption: (id: string, caption: string) => void;
  onDismissRefusal: (id: string) => void;
  /** Enter in a caption sends, like in the message field. */
  onSubmit: () => void;
  /** Where the focus goes when the last file is removed. */
  onEmpty: () => void;
};

/** Files waiting to be sent: thumbnail or icon, name, size, upload progress, caption, errors. */
export function AttachmentTray({
  items,
  refusals,
  onRemove,
  onRetry,
  onCaption,
  onDismissRefusal,
  onSubmit,
  onEmpty,
}: Props) {
  const { t } = useTranslation('inbox');
  const refusalText = useRefusalText();
  const failureText = useFailureText();
  const listRef = useRef<HTMLUListElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const previous = useRef(new Map<string, Attachment['status']>());

  // Screen readers hear when a file is uploaded, sent or failed (progress itself is on the bar).
  useEffect(() => {
    const seen = previous.current;
    for (const item of items) {
      const before = seen.get(item.id);
      if (before !== item.status) {
        if (item.status === 'uploaded' && before === 'uploading')
          setAnnouncement(t('composer.attach.announceUploaded', { name: item.file.name }));
        if (item.status === 'failed') setAnnouncement(`${item.file.name}: ${failureText(item)}`);
      }
    }
    previous.current = new Map(items.map((i) => [i.id, i.status]));
  }, [items, t, failureText]);

  const remove = (id: string) => {
    const index = items.findIndex((i) => i.id === id);
    onRemove(id);
    // The focus moves to the next file's remove button, or back to the message field.
    const buttons = [...(listRef.current?.querySelectorAll<HTMLElement>('[data-remove]') ?? [])];
    const next = buttons[index + 1] ?? buttons[index - 1];
    if (next) next.focus();
    else onEmpty();
  };

  const onCaptionKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    event.preventDefault();
    onSubmit();
  };

  return (
    <>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="attachment-live">
        {announcement}
      </div>
      {refusals.length > 0 && (
        <Stack gap={4} role="alert" data-testid="attachment-refusals">
          {refusals.map((r) => (
            <Alert
              key={r.id}
              color="red"
              variant="light"
              py={6}
              icon={<IconAlertCircle size={16} aria-hidden />}
              withCloseButton
              closeButtonLabel={t('composer.attach.dismiss')}
              onClose={() => onDismissRefusal(r.id)}
              data-testid="attachment-refusal"
            >
              <Text size="sm">
                <Text span fw={600} className="inbox-break">
                  {t('composer.attach.refused', { name: r.name })}
                </Text>{' '}
                {refusalText(r)}
              </Text>
              {r.problem.problem === 'type' && (
                <Text size="xs" c="dimmed" mt={2}>
                  {t('composer.attach.allowed')}
                </Text>
              )}
            </Alert>
          ))}
        </Stack>
      )}
      {items.length > 0 && (
        <ul
          ref={listRef}
          className="composer-tray"
          aria-label={t('composer.attach.tray')}
          data-testid="attachment-tray"
        >
          {items.map((item) => {
            const Icon = kindIcons[item.kind] ?? IconFile;
            const percent = Math.round(item.progress * 100);
            const uploading = item.status === 'uploading';
            return (
              <li
                key={item.id}
                className="composer-tray-item"
                data-status={item.status}
                data-testid="attachment"
                aria-busy={uploading || item.status === 'sending'}
              >
                <FileCard
                  file={item.file}
                  kind={item.kind}
                  previewUrl={item.previewUrl}
                  icon={Icon}
                  uploading={uploading}
                  percent={percent}
                  onRemove={() => remove(item.id)}
                  removeDisabled={item.status === 'sending'}
                  testId="attachment"
                >
                  {item.status === 'uploaded' && (
                    <Text size="xs" c="teal">
                      {item.queued ? t('composer.attach.queued') : t('composer.attach.uploaded')}
                    </Text>
                  )}
                  {item.status === 'sending' && (
                    <Text size="xs" c="dimmed">
                      {t('composer.attach.sending')}
                    </Text>
                  )}
                  {item.status === 'failed' && (
                    <Group gap={6} wrap="wrap">
                      <Text size="xs" c="red" data-testid="attachment-error">
                        {failureText(item)}
                      </Text>
                      {item.failure?.stage === 'upload' && (
                        <Button size="compact-xs" variant="default" onClick={() => onRetry(item.id)}>
                          {t('composer.attach.retry')}
                        </Button>
                      )}
                    </Group>
                  )}
                  {captionAllowed(item.kind) ? (
                    <TextInput
                      size="xs"
                      value={item.caption}
                      onChange={(event) => onCaption(item.id, event.currentTarget.value)}
                      onKeyDown={onCaptionKey}
                      placeholder={t('composer.attach.caption')}
                      aria-label={t('composer.attach.captionFor', { name: item.file.name })}
                      maxLength={1024}
                      disabled={item.status === 'sending'}
                      data-testid="attachment-caption"
                    />
                  ) : (
                    <Text size="xs" c="dimmed">
                      {t('composer.attach.noCaption')}
                    </Text>
                  )}
                </FileCard>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

/**
 * A chosen file as the composer shows it: thumbnail or icon, name, kind and size, the remove (or
 * cancel) button and, while uploading, the progress; `children` add status lines below. Test ids are
 * `<testId>-remove` and `<testId>-progress`.
 */
export function FileCard({
  file,
  kind,
  previewUrl,
  icon: Icon,
  uploading,
  percent,
  onRemove,
  removeDisabled,
  testId,
  children,
}: {
  file: File;
  kind: string;
  previewUrl: string | null | undefined;
  icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;
  uploading: boolean;
  percent: number;
  onRemove: () => void;
  removeDisabled?: boolean;
  testId: string;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation('inbox');
  return (
    <>
      <div className="composer-tray-thumb">
        {previewUrl ? <img src={previewUrl} alt="" /> : <Icon size={26} aria-hidden />}
      </div>
      <Stack gap={4} miw={0} style={{ flex: 1 }}>
        <Group gap={4} wrap="nowrap" justify="space-between" align="flex-start">
          <Stack gap={0} miw={0}>
            <Text size="xs" fw={600} truncate="end" title={file.name}>
              <bdi>{file.name}</bdi>
            </Text>
            <Text size="xs" c="dimmed">
              {t(`message.types.${kind}`)} · {formatFileSize(file.size, i18n.language)}
            </Text>
          </Stack>
          <CloseButton
            size="sm"
            data-remove
            onClick={onRemove}
            disabled={removeDisabled}
            aria-label={
              uploading
                ? t('composer.attach.cancel', { name: file.name })
                : t('composer.attach.remove', { name: file.name })
            }
            data-testid={`${testId}-remove`}
          />
        </Group>
        {uploading && (
          <Group gap={6} wrap="nowrap">
            <Progress
              value={percent}
              size="sm"
              style={{ flex: 1 }}
              aria-label={t('composer.attach.uploading', { name: file.name })}
              data-testid={`${testId}-progress`}
            />
            <Text size="xs" c="dimmed" className="composer-tray-percent">
              {t('composer.attach.percent', { percent })}
            </Text>
          </Group>
        )}
        {children}
      </Stack>
    </>
  );
}
