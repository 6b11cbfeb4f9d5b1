import { Button, Group, Input, Stack, Text } from '@mantine/core';
import { IconFileText, IconPhoto, IconUpload, IconVideo } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';
import { FileCard } from '../inbox/composer/AttachmentTray';
import { formatFileSize } from '../inbox/composer/attachments';
import { uploadHeaderSample } from './api';
import { checkSample, SAMPLE_TYPES, type SampleFormat, type SampleProblem } from './header-sample';

const icons: Record<SampleFormat, typeof IconPhoto> = {
  IMAGE: IconPhoto,
  VIDEO: IconVideo,
  DOCUMENT: IconFileText,
};

export type HeaderSampleState = {
  file: File;
  /** An object URL of an image (thumbnail and preview); null for video and documents. */
  previewUrl: string | null;
  status: 'uploading' | 'uploaded' | 'failed';
  /** 0…1 */
  progress: number;
  error: unknown;
};

/**
 * The sample file of a media header, as state: checked (type and size per format) before anything is
 * sent, uploaded at once with progress (a new file or removing it cancels the upload), and revoked
 * when replaced or unmounted. `onHandle` gets Meta's handle, or '' while there is none.
 */
export function useHeaderSample(
  workspaceId: string,
  channelId: string,
  format: SampleFormat | null,
  onHandle: (handle: string) => void,
) {
  const [current, setCurrent] = useState<HeaderSampleState | null>(null);
  const [refusal, setRefusal] = useState<{ name: string; size: number; problem: SampleProblem } | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const urlRef = useRef<string | null>(null);
  const onHandleRef = useRef(onHandle);
  onHandleRef.current = onHandle;

  const release = useCallback(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    urlRef.current = null;
  }, []);

  const upload = useCallback(
    (file: File, previewUrl: string | null, sampleFormat: SampleFormat) => {
      const controller = new AbortController();
      abortRef.current = controller;
      setCurrent({ file, previewUrl, status: 'uploading', progress: 0, error: null });
      uploadHeaderSample(workspaceId, channelId, sampleFormat, file, {
        signal: controller.signal,
        onProgress: ({ loaded, total }) =>
          setCurrent((c) => (c?.file === file ? { ...c, progress: total ? loaded / total : 0 } : c)),
      }).then(
        (sample) => {
          if (controller.signal.aborted) return;
          setCurrent((c) => (c?.file === file ? { ...c, status: 'uploaded', progress: 1 } : c));
          onHandleRef.current(sample.handle);
        },
        (error: unknown) => {
          if (controller.signal.aborted || (error as Error).name === 'AbortError') return;
          setCurrent((c) => (c?.file === file ? { ...c, status: 'failed', error } : c));
        },
      );
    },
    [workspaceId, channelId],
  );

  const choose = (file: File) => {
    if (!format) return;
    const problem = checkSample(file, format);
    if (problem) {
      setRefusal({ name: file.name, size: file.size, problem });
      return;
    }
    setRefusal(null);
    release();
    onHandleRef.current('');
    const previewUrl = format === 'IMAGE' ? URL.createObjectURL(file) : null;
    urlRef.current = previewUrl;
    upload(file, previewUrl, format);
  };

  const remove = () => {
    release();
    setCurrent(null);
    setRefusal(null);
    onHandleRef.current('');
  };

  const retry = () => {
    if (current && format) upload(current.file, current.previewUrl, format);
  };

  // A different header format (or none) drops the file; so does leaving the form.
  const formatRef = useRef(format);
  useEffect(() => {
    if (formatRef.current === format) return;
    formatRef.current = format;
    release();
    setCurrent(null);
    setRefusal(null);
    onHandleRef.current('');
  }, [format, release]);
  useEffect(() => release, [release]);

  return { current, refusal, choose, remove, retry };
}

type Props = {
  format: SampleFormat;
  sample: ReturnType<typeof useHeaderSample>;
  /** A rule's message from the form (e.g. the sample is missing). */
  error: string | undefined;
  id: string;
};

/** The sample file picker of a media header: choose, size, progress, errors in place, replace, remove. */
export function HeaderSampleField({ format, sample, error, id }: Props) {
  const { t, i18n } = useTranslation('templates');
  const inputRef = useRef<HTMLInputElement>(null);
  const { current, refusal } = sample;
  const Icon = icons[format];
  const maxSize = formatFileSize(SAMPLE_TYPES[format].maxBytes, i18n.language);
  const open = () => inputRef.current?.click();

  const refusalText = refusal
    ? refusal.problem.problem === 'type'
      ? t(`sample.wrongType.${format}`, { name: refusal.name })
      : refusal.problem.problem === 'empty'
        ? t('sample.empty', { name: refusal.name })
        : t('sample.tooLarge', {
            name: refusal.name,
            size: formatFileSize(refusal.size, i18n.language),
            max: maxSize,
          })
    : null;
  const failure = current?.status === 'failed' ? uploadErrorText(t, current.error, maxSize) : null;
  const shownError = refusalText ?? failure ?? error;

  return (
    <Input.Wrapper
      id={`${id}-wrapper`}
      labelElement="div"
      label={t(`sample.label.${format}`)}
      description={t(`sample.hint.${format}`, { max: maxSize })}
      error={shownError}
      required
      data-testid="template-header-sample"
    >
      <Stack gap={6} mt={4}>
        <input
          ref={inputRef}
          type="file"
          hidden
          accept={SAMPLE_TYPES[format].accept}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) sample.choose(file);
          }}
          data-testid="template-header-sample-input"
        />
        {current ? (
          <div className="composer-header-file" data-status={current.status}>
            <FileCard
              file={current.file}
              kind={format.toLowerCase()}
              previewUrl={current.previewUrl}
              icon={Icon}
              uploading={current.status === 'uploading'}
              percent={Math.round(current.progress * 100)}
              onRemove={sample.remove}
              testId="template-header-sample"
            >
              {current.status === 'uploading' && (
                <Text size="xs" c="dimmed" role="status">
                  {t('sample.uploading', { percent: Math.round(current.progress * 100) })}
                </Text>
              )}
              {current.status === 'uploaded' && (
                <Text size="xs" c="teal" role="status" data-testid="template-header-sample-done">
                  {t('sample.uploaded')}
                </Text>
              )}
              <Group gap={6}>
                {current.status === 'failed' && (
                  <Button size="compact-xs" variant="default" onClick={sample.retry}>
                    {t('sample.retry')}
                  </Button>
                )}
                <Button size="compact-xs" variant="subtle" onClick={open}>
                  {t('sample.replace')}
                </Button>
              </Group>
            </FileCard>
          </div>
        ) : (
          <Button
            id={id}
            variant="default"
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={open}
            aria-invalid={shownError ? true : undefined}
            data-testid="template-header-sample-choose"
          >
            {t(`sample.choose.${format}`)}
          </Button>
        )}
      </Stack>
    </Input.Wrapper>
  );
}

function uploadErrorText(
  t: ReturnType<typeof useTranslation<'templates'>>['t'],
  error: unknown,
  maxSize: string,
): string {
  const code = error instanceof ApiError ? error.code : 'network_error';
  if (code === 'media_too_large') return t('sample.errors.media_too_large', { max: maxSize });
  if (code === 'media_type_unsupported') return t('sample.errors.media_type_unsupported');
  if (code === 'template_sample_refused') {
    const reason = (error as ApiError).details as { graphTitle?: string } | undefined;
    return t('sample.errors.template_sample_refused', { reason: reason?.graphTitle ?? '' });
  }
  if (code === 'network_error') return t('sample.errors.network_error');
  return t('sample.errors.other', { code });
}
