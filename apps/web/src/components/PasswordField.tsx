import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Mantine's PasswordInput with a translated show/hide button. The button's name deliberately avoids
 * the word "password" so `getByLabel('Password')` finds exactly one element in end-to-end tests.
 *
 * Unlike TextInput, Mantine's PasswordInput leaves `aria-invalid` and `aria-describedby` off its input,
 * so a screen reader would not hear the hint or the error: they are set here, with Mantine's ids
 * (`<id>-description`, `<id>-error`).
 */
export function PasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  const generatedId = useId();
  const id = props.id ?? generatedId;
  const hasError = !!props.error && typeof props.error !== 'boolean';
  const describedBy = [
    props['aria-describedby'],
    props.description ? `${id}-description` : null,
    hasError ? `${id}-error` : null,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <PasswordInput
      visibilityToggleButtonProps={{ 'aria-label': t('common.showCharacters') }}
      {...props}
      id={id}
      aria-invalid={props.error ? true : undefined}
      aria-describedby={describedBy || undefined}
    />
  );
}
