import { Text } from '@mantine/core';
import {
  IconArrowBackUp,
  IconCopy,
  IconExternalLink,
  IconFileText,
  IconMapPin,
  IconPhone,
  IconPhoto,
  IconVideo,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TemplateDto } from './api';
import { partsOf, type Segment, segmentsOf, type TemplateValues } from './template-model';
import type { HeaderFile } from './use-header-file';

const mediaIcons: Record<string, typeof IconPhoto> = {
  IMAGE: IconPhoto,
  VIDEO: IconVideo,
  DOCUMENT: IconFileText,
  LOCATION: IconMapPin,
};
const buttonIcons: Record<string, typeof IconPhoto> = {
  URL: IconExternalLink,
  PHONE_NUMBER: IconPhone,
  QUICK_REPLY: IconArrowBackUp,
  COPY_CODE: IconCopy,
};

/** Text with the agent's values; placeholders not filled in yet are marked. Everything is plain text. */
function Segments({ segments }: { segments: Segment[] }) {
  const { t } = useTranslation('inbox');
  return (
    <>
      {segments.map((s, i) => {
        const key = `${i}-${s.kind}`;
        if (s.kind === 'text') return <span key={key}>{s.text}</span>;
        if (s.kind === 'value')
          return (
            <span key={key} className="composer-wa-value">
              {s.text}
            </span>
          );
        return (
          <mark key={key} className="composer-wa-missing" title={t('composer.templates.previewMissing')}>
            {`{{${s.key}}}`}
          </mark>
        );
      })}
    </>
  );
}

/**
 * A WhatsApp-like bubble of the template as the customer will see it (header, body, footer, buttons).
 * A media header shows the chosen file: the image itself, or the icon with the file name.
 */
export function TemplatePreview({
  template,
  values,
  headerFile = null,
}: {
  template: TemplateDto;
  values: TemplateValues;
  headerFile?: HeaderFile | null;
}) {
  const { t } = useTranslation('inbox');
  const parts = partsOf(template);
  const MediaIcon = parts.header ? (mediaIcons[parts.header.format] ?? IconPhoto) : null;
  return (
    <div className="composer-wa" data-testid="template-preview">
      <div className="composer-wa-bubble" dir="auto">
        {parts.header?.format === 'TEXT' && parts.header.text && (
          <Text fw={700} size="sm" className="inbox-text" data-testid="template-preview-header">
            <Segments segments={segmentsOf(parts.header.text, values.header)} />
          </Text>
        )}
        {parts.header && parts.header.format !== 'TEXT' && MediaIcon && headerFile?.previewUrl && (
          <img
            src={headerFile.previewUrl}
            alt={t('composer.templates.previewHeaderImage', { name: headerFile.file.name })}
            className="composer-wa-image"
            data-testid="template-preview-media"
          />
        )}
        {parts.header && parts.header.format !== 'TEXT' && MediaIcon && !headerFile?.previewUrl && (
          <div className="composer-wa-media" data-testid="template-preview-media">
            <MediaIcon size={28} aria-hidden />
            <Text size="xs" className="inbox-break" ta="center" px={6}>
              {headerFile ? (
                <bdi>{headerFile.file.name}</bdi>
              ) : (
                t(`composer.templates.format.${parts.header.format}` as 'composer.templates.format.IMAGE', {
                  defaultValue: parts.header.format.toLowerCase(),
                })
              )}
            </Text>
          </div>
        )}
        <Text size="sm" className="inbox-text" data-testid="template-preview-body">
          <Segments segments={segmentsOf(parts.body, values.body)} />
        </Text>
        {parts.footer && (
          <Text size="xs" className="inbox-text composer-wa-footer">
            {parts.footer}
          </Text>
        )}
      </div>
      {parts.buttons.length > 0 && (
        <div className="composer-wa-buttons">
          {parts.buttons.map((b, i) => {
            const Icon = buttonIcons[b.type] ?? IconArrowBackUp;
            // A URL button with a value: its whole link as a tooltip.
            const value = values.buttons[String(i)]?.trim();
            const link =
              b.type === 'URL' && b.url && value ? b.url.replace(/\{\{\s*1\s*\}\}/, value) : undefined;
            return (
              <div key={i} className="composer-wa-button" title={link}>
                <Icon size={14} aria-hidden />
                <span className="inbox-break">
                  {b.text || (b.type === 'COPY_CODE' ? t('composer.templates.copyCode') : '')}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
