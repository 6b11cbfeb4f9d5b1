import { Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { TemplateDto } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard';
import { useAttributes } from '../contacts/api';
import { TemplatePreview } from '../inbox/composer/TemplatePreview';
import type { TemplateValues } from '../inbox/composer/template-model';
import { type BroadcastForm, choicesOf, type VariableChoice } from './model';

const FIXED = 'fixed';

/** Step 3: for each placeholder of the template a contact field (with a fallback) or a fixed text. */
export function VariablesSection({
  ws,
  form,
  template,
  onChange,
  errors,
  showMissing,
}: {
  ws: string;
  form: BroadcastForm;
  template: TemplateDto;
  onChange: (key: string, choice: VariableChoice) => void;
  errors: Record<string, string>;
  showMissing: boolean;
}) {
  const { t } = useTranslation('broadcasts');
  const attributes = useAttributes(ws).data?.attributes ?? [];
  const choices = choicesOf(form, template);
  const fieldOptions = [
    { value: 'contact.name', label: t('variables.field.name') },
    { value: 'contact.phone', label: t('variables.field.phone') },
    { value: 'contact.email', label: t('variables.field.email') },
    ...attributes.map((a) => ({ value: `contact.attributes.${a.key}`, label: a.label || a.key })),
  ];
  const options = [
    { group: t('variables.contactFields'), items: fieldOptions },
    { group: t('variables.other'), items: [{ value: FIXED, label: t('variables.fixed') }] },
  ];
  const labelOfField = (field: string) => fieldOptions.find((o) => o.value === field)?.label ?? field;

  // The preview shows a fixed text as itself and a contact field as «Name».
  const values: TemplateValues = { body: {}, header: {}, buttons: {} };
  for (const [key, c] of choices) {
    const shown = c.kind === 'fixed' ? c.value : `«${labelOfField(c.field)}»`;
    if (key.startsWith('header.')) values.header[key.slice(7)] = shown;
    else values.body[key] = shown;
  }

  if (choices.length === 0)
    return (
      <SectionCard title={t('variables.title')} headingId="bc-variables">
        <Text size="sm" c="dimmed">
          {t('variables.none')}
        </Text>
      </SectionCard>
    );

  return (
    <SectionCard title={t('variables.title')} description={t('variables.text')} headingId="bc-variables">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="sm">
          {choices.map(([key, choice]) => {
            const name = key.startsWith('header.')
              ? t('variables.headerPlaceholder', { placeholder: `{{${key.slice(7)}}}` })
              : t('variables.bodyPlaceholder', { placeholder: `{{${key}}}` });
            const error =
              errors[`variables.${key}`] ??
              (showMissing && (choice.kind === 'fixed' ? !choice.value.trim() : !choice.field)
                ? t('variables.required')
                : undefined);
            return (
              <Paper key={key} withBorder p="sm" radius="md" data-testid="broadcast-variable" data-key={key}>
                <Text fw={600} size="sm" mb={6}>
                  {name}
                </Text>
                <Group grow align="flex-start" wrap="wrap" gap="sm">
                  <Select
                    label={t('variables.source')}
                    data={options}
                    value={choice.kind === 'fixed' ? FIXED : choice.field}
                    allowDeselect={false}
                    onChange={(v) =>
                      onChange(
                        key,
                        v === FIXED || !v
                          ? { kind: 'fixed', value: choice.kind === 'fixed' ? choice.value : '' }
                          : {
                              kind: 'field',
                              field: v,
                              fallback: choice.kind === 'field' ? choice.fallback : '',
                            },
                      )
                    }
                    style={{ minWidth: 160 }}
                    data-testid="broadcast-variable-source"
                  />
                  {choice.kind === 'fixed' ? (
                    <TextInput
                      label={t('variables.value')}
                      value={choice.value}
                      maxLength={1024}
                      onChange={(e) => onChange(key, { kind: 'fixed', value: e.currentTarget.value })}
                      error={error}
                      required
                      style={{ minWidth: 160 }}
                      data-testid="broadcast-variable-value"
                    />
                  ) : (
                    <TextInput
                      label={t('variables.fallback')}
                      description={t('variables.fallbackHint')}
                      value={choice.fallback}
                      maxLength={1024}
                      onChange={(e) =>
                        onChange(key, { kind: 'field', field: choice.field, fallback: e.currentTarget.value })
                      }
                      error={error}
                      style={{ minWidth: 160 }}
                      data-testid="broadcast-variable-fallback"
                    />
                  )}
                </Group>
              </Paper>
            );
          })}
        </Stack>
        <figure aria-label={t('new.previewLabel')} style={{ margin: 0 }}>
          <TemplatePreview template={template} values={values} />
        </figure>
      </SimpleGrid>
    </SectionCard>
  );
}
