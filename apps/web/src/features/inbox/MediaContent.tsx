import { ActionIcon, Anchor, Group, Loader, Modal, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconDownload,
  IconFile,
  IconFileSpreadsheet,
  IconFileText,
  IconFileTypeDoc,
  IconFileTypePdf,
  IconFileTypePpt,
  IconFileZip,
  IconHeadphones,
  IconMicrophone,
  IconMovie,
  IconPhoto,
  IconSticker,
} from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageDto } from './api';
import { displayFilename, formatBytes, part, sameOriginMediaUrl, str } from './model';
import './i18n';

type MediaDto = NonNullable<MessageDto['media']>;
type Kind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const kindIcons: Record<Kind, typeof IconPhoto> = {
  image: IconPhoto,
  video: IconMovie,
  audio: IconHeadphones,
  document: IconFile,
  sticker: IconSticker,
};

/** A file icon by MIME type (and extension, for files sent as `application/octet-stream`). */
function documentIcon(mimeType: string, filename: string | null): typeof IconFile {
  const mime = mimeType.toLowerCase();
  const ext = extensionOf(filename)?.toLowerCase() ?? '';
  if (mime === 'application/pdf' || ext === 'pdf') return IconFileTypePdf;
  if (
    mime.includes('wordprocessing') ||
    mime === 'application/msword' ||
    ['doc', 'docx', 'odt'].includes(ext)
  )
    return IconFileTypeDoc;
  if (mime.includes('spreadsheet') || mime.includes('excel') || ['xls', 'xlsx', 'ods', 'csv'].includes(ext))
    return IconFileSpreadsheet;
  if (mime.includes('presentation') || mime.includes('powerpoint') || ['ppt', 'pptx', 'odp'].includes(ext))
    return IconFileTypePpt;
  if (mime.includes('zip') || mime.includes('compressed') || ['zip', 'rar', '7z', 'gz'].includes(ext))
    return IconFileZip;
  if (mime.startsWith('text/') || ext === 'txt') return IconFileText;
  return IconFile;
}

/** `PDF` for `offer.pdf`; null when there is no short, plain extension. */
function extensionOf(filename: string | null): string | null {
  const match = filename ? /\.([A-Za-z0-9]{1,5})$/.exec(filename) : null;
  return match?.[1] ? match[1].toUpperCase() : null;
}

/** The caption of an attachment (not for audio and stickers, which have none). */
export function mediaCaption(message: MessageDto): string | null {
  if (message.type === 'audio' || message.type === 'sticker') return null;
  return str(part(message)?.caption) ?? message.text;
}

/**
 * An attachment in a bubble: the picture, sticker, player or file card (the caption goes below it).
 * Only the same-origin URL of our media route (`media.url`) is used; names are React text.
 */
export function MediaContent({ message, language }: { message: MessageDto; language: string }) {
  // A template's media header: the file's kind; its text is the body, not a caption.
  const header = message.type === 'template' && message.media ? message.media : null;
  return (
    <MediaBody
      kind={(header ? header.kind : message.type) as Kind}
      media={message.media}
      details={header ? null : part(message)}
      caption={header ? null : mediaCaption(message)}
      language={language}
    />
  );
}

type BodyProps = {
  kind: Kind;
  media: MediaDto | null;
  details: Record<string, unknown> | null;
  caption: string | null;
  language: string;
};

function MediaBody({ kind, media, details, caption, language }: BodyProps) {
  const { t } = useTranslation('inbox');
  const [broken, setBroken] = useState(false);
  // The server's cleaned name once there is a file; the name in the message only before.
  const filename = displayFilename(media ? media.filename : str(details?.filename));
  const url = media?.status === 'stored' ? sameOriginMediaUrl(media.url) : null;
  const typeLabel = t(`message.types.${kind}`);

  if (!media) return <Notice kind={kind} filename={filename} text={t('message.mediaUnavailable')} />;
  if (media.status === 'pending') {
    return (
      <Notice kind={kind} filename={filename} text={t('message.mediaPending')} busy testId="media-pending" />
    );
  }
  if (media.status === 'failed' || !url) {
    return (
      <Notice
        kind={kind}
        filename={filename}
        text={t('message.mediaFailed')}
        detail={media.error}
        failed
        testId="media-failed"
      />
    );
  }

  const size = formatBytes(media.sizeBytes, language);
  switch (kind) {
    case 'image':
    case 'sticker':
      if (broken)
        return <FileCard media={media} url={url} filename={filename} size={size} label={typeLabel} />;
      return (
        <ImagePreview
          url={url}
          alt={caption ?? typeLabel}
          sticker={kind === 'sticker'}
          onBroken={() => setBroken(true)}
        />
      );
    case 'audio': {
      const voice = details?.voice === true;
      const label = voice ? t('message.voiceNote') : typeLabel;
      const Icon = voice ? IconMicrophone : IconHeadphones;
      return (
        <Stack gap={4} data-testid="media-audio">
          <Group gap={6} wrap="nowrap">
            <Icon size={16} stroke={1.6} aria-hidden />
            <Text size="xs" fw={600}>
              {label}
            </Text>
            {size && (
              <Text size="xs" c="dimmed">
                {size}
              </Text>
            )}
          </Group>
          {/* biome-ignore lint/a11y/useMediaCaption: customers' voice notes come without captions */}
          <audio className="inbox-audio" controls preload="metadata" src={url} aria-label={label} />
        </Stack>
      );
    }
    case 'video':
      return (
        // biome-ignore lint/a11y/useMediaCaption: customers' videos come without captions
        <video
          className="inbox-video"
          controls
          preload="metadata"
          src={url}
          aria-label={caption ?? typeLabel}
          data-testid="media-video"
        />
      );
    default:
      return <FileCard media={media} url={url} filename={filename} size={size} label={typeLabel} />;
  }
}

function ImagePreview({
  url,
  alt,
  sticker,
  onBroken,
}: {
  url: string;
  alt: string;
  sticker: boolean;
  onBroken: () => void;
}) {
  const { t } = useTranslation('inbox');
  const [opened, setOpened] = useState(false);
  const img = (
    <img
      src={url}
      alt={alt}
      className={sticker ? 'inbox-sticker' : 'inbox-image'}
      loading="lazy"
      decoding="async"
      onError={onBroken}
      data-testid={sticker ? 'media-sticker' : 'media-image'}
    />
  );
  if (sticker) return img;
  return (
    <>
      <button
        type="button"
        className="inbox-image-button"
        onClick={() => setOpened(true)}
        aria-label={t('message.enlarge', { name: alt })}
        aria-haspopup="dialog"
      >
        {img}
      </button>
      {opened && (
        <Modal
          opened
          onClose={() => setOpened(false)}
          size="auto"
          centered
          title={
            <Text span fw={600} dir="auto" className="inbox-break" lineClamp={2}>
              {alt}
            </Text>
          }
          closeButtonProps={{ 'aria-label': t('message.closeImage') }}
        >
          <Stack gap="sm" align="center">
            <img src={url} alt={alt} className="inbox-lightbox-image" data-testid="lightbox-image" />
            <Anchor href={url} download size="sm" data-testid="media-download">
              <Group gap={4} component="span" wrap="nowrap">
                <IconDownload size={16} aria-hidden />
                {t('message.download')}
              </Group>
            </Anchor>
          </Stack>
        </Modal>
      )}
    </>
  );
}

function FileCard({
  media,
  url,
  filename,
  size,
  label,
}: {
  media: MediaDto;
  url: string;
  filename: string | null;
  size: string | null;
  label: string;
}) {
  const { t } = useTranslation('inbox');
  const Icon = media.kind === 'document' ? documentIcon(media.mimeType, filename) : kindIcons[media.kind];
  const name = filename ?? label;
  const meta = [size, extensionOf(filename)].filter(Boolean).join(' · ');
  return (
    <Group gap="sm" wrap="nowrap" className="inbox-media-card" data-testid="media-document">
      <Icon size={32} stroke={1.4} aria-hidden style={{ flexShrink: 0 }} />
      <Stack gap={0} miw={0} style={{ flex: 1 }}>
        <Text size="sm" fw={600} className="inbox-break" dir="auto" data-testid="media-filename">
          {name}
        </Text>
        {meta && (
          <Text size="xs" c="dimmed">
            {meta}
          </Text>
        )}
      </Stack>
      <Tooltip label={t('message.download')}>
        <ActionIcon
          component="a"
          href={url}
          download
          variant="light"
          size="lg"
          aria-label={t('message.downloadFile', { name })}
          data-testid="media-download"
        >
          <IconDownload size={18} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/** A placeholder card: not there yet, being downloaded, or failed. */
function Notice({
  kind,
  filename,
  text,
  detail,
  busy,
  failed,
  testId,
}: {
  kind: Kind;
  filename: string | null;
  text: string;
  detail?: string | null;
  busy?: boolean;
  failed?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation('inbox');
  const Icon = failed ? IconAlertTriangle : kindIcons[kind];
  return (
    <Group gap="sm" wrap="nowrap" className="inbox-media-card" data-testid={testId}>
      {busy ? (
        <Loader size={22} aria-hidden />
      ) : (
        <Icon
          size={28}
          stroke={1.5}
          aria-hidden
          style={{ flexShrink: 0 }}
          color={failed ? 'var(--mantine-color-red-text)' : undefined}
        />
      )}
      <Stack gap={0} miw={0}>
        <Text size="sm" fw={600}>
          {t(`message.types.${kind}`)}
        </Text>
        {filename && (
          <Text size="xs" className="inbox-break" dir="auto">
            {filename}
          </Text>
        )}
        <Text size="xs" c={failed ? 'red' : 'dimmed'} role={busy ? 'status' : undefined}>
          {text}
        </Text>
        {detail && (
          <Text size="xs" c="dimmed" className="inbox-break" dir="auto">
            {detail}
          </Text>
        )}
      </Stack>
    </Group>
  );
}
