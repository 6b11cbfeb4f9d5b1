import { Alert, Button, Group, Input, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconFileText, IconPhoto, IconUpload, IconVideo } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../lib/notify';
import { FileCard, useRefusalText } from './AttachmentTray';
import { acceptFor } from './attachments';
import type { HeaderMediaKind } from './template-model';
import type { useHeaderFile } from './use-header-file';

const kindIcons: Record<HeaderMediaKind, typeof IconPhoto> = {
  image: IconPhoto,
  video: IconVideo,
  document: IconFileText,
};

type Props = {
  kind: HeaderMediaKind;
  header: ReturnType<typeof useHeaderFile>;
  /** The problem to show at the field (not chosen yet, still uploading, the server's reason). */
  error: string | null;
  /** A new file was chosen or the file was removed (clears the server's error). */
  onChange: () => void;
};

/**
 * The file of a template's media header: a button that opens the file picker (only the header's kind
 * is offered), then the file with its thumbnail or icon, size, upload progress, errors, replace and
 * remove. The choose button carries `data-field="headerMedia"`, so a failed send can focus it.
 */
export function HeaderFileField({ kind, header, error, onChange }: Props) {
  const { t } = useTranslation('inbox');
  const refusalText = useRefusalText();
  const inputRef = useRef<HTMLInputElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const { current, refusal } = header;
  // Choosing, replacing or removing the file swaps the buttons: the focus stays on the field's button.
  const keepFocus = useRef(false);
  const fileIdentity = current?.file;
  useEffect(() => {
    if (!keepFocus.current) return;
    keepFocus.current = false;
    rootRef.current?.querySelector<HTMLElement>('[data-field="headerMedia"]')?.focus();
  }, [fileIdentity]);
  const Icon = kindIcons[kind];
  const percent = Math.round((current?.progress ?? 0) * 100);
  // Mantine's wrapper ids (`<id>-label`, `-description`, `-error`) describe the buttons, which are not inputs.
  const describedBy = ['template-header-file-label', 'template-header-file-description']
    .concat(error ? ['template-header-file-error'] : [])
    .join(' ');
  const open = () => inputRef.current?.click();

  const refusalMessage = refusal
    ? refusal.problem.problem === 'kind'
      ? t(`composer.templates.headerFile.wrongKind.${kind}`, { name: refusal.name })
      : `${t('composer.attach.refused', { name: refusal.name })} ${refusalText({
          id: 'header',
          name: refusal.name,
          problem: refusal.problem,
        })}`
    : null;

  return (
    <Input.Wrapper
      id="template-header-file"
      labelElement="div"
      label={t(`composer.templates.headerFile.label.${kind}`)}
      description={t(`composer.templates.headerFile.hint.${kind}`)}
      error={error}
      required
      data-testid="template-header-file"
    >
      <Stack gap={6} mt={4} ref={rootRef}>
        <input
          ref={inputRef}
          type="file"
          hidden
          accept={acceptFor(kind)}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (!file) return;
            keepFocus.current = true;
            header.choose(file);
            onChange();
          }}
          data-testid="template-header-file-input"
        />
        {current ? (
          <div className="composer-header-file" data-status={current.status}>
            <FileCard
              file={current.file}
              kind={current.kind}
              previewUrl={current.previewUrl}
              icon={Icon}
              uploading={current.status === 'uploading'}
              percent={percent}
              onRemove={() => {
                keepFocus.current = true;
                header.remove();
                onChange();
              }}
              testId="template-header-file"
            >
              {current.status === 'uploaded' && (
                <Text size="xs" c="teal" role="status">
                  {t('composer.attach.uploaded')}
                </Text>
              )}
              {current.status === 'failed' && (
                <Text size="xs" c="red" data-testid="template-header-file-error">
                  {t('composer.attach.uploadFailed', { reason: describeError(current.error) })}
                </Text>
              )}
              <Group gap={6} wrap="wrap">
                {current.status === 'failed' && (
                  <Button size="compact-xs" variant="default" onClick={header.retry}>
                    {t('composer.attach.retry')}
                  </Button>
                )}
                <Button
                  size="compact-xs"
                  variant="subtle"
                  onClick={open}
                  aria-describedby={describedBy}
                  data-field="headerMedia"
                >
                  {t('composer.templates.headerFile.replace')}
                </Button>
              </Group>
            </FileCard>
          </div>
        ) : (
          <Button
            variant="default"
            size="sm"
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={open}
            aria-describedby={describedBy}
            aria-invalid={error ? true : undefined}
            data-field="headerMedia"
            data-testid="template-header-file-choose"
            fullWidth
            px="sm"
            // A narrow column wraps the label instead of cutting it off.
            styles={{
              root: { height: 'auto', minHeight: 36, paddingBlock: 6 },
              label: { whiteSpace: 'normal', textAlign: 'center' },
            }}
          >
            {t(`composer.templates.headerFile.choose.${kind}`)}
          </Button>
        )}
        {refusalMessage && (
          <Alert
            color="red"
            variant="light"
            py={6}
            icon={<IconAlertCircle size={16} aria-hidden />}
            withCloseButton
            closeButtonLabel={t('composer.attach.dismiss')}
            onClose={header.dismissRefusal}
            role="alert"
            data-testid="template-header-file-refusal"
          >
            <Text size="sm" className="inbox-break">
              {refusalMessage}
            </Text>
          </Alert>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
