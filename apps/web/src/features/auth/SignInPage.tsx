import { Alert, Anchor, Button, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../../components/AuthLayout';
import { FormError } from '../../components/FormError';
import { FullPageLoader } from '../../components/FullPageLoader';
import { PasswordField } from '../../components/PasswordField';
import { ApiError, isApiError } from '../../lib/api';
import { fieldErrors } from '../../lib/forms';
import { safeNextPath } from '../../lib/navigation';
import { describeWait } from '../../lib/notify';
import { useMe, useSetupStatus, useSignIn } from './api';

type Step = 'password' | 'totp' | 'recovery';
type Notice = 'sessionEnded' | 'signedOut' | 'passwordChanged';

const fields = ['email', 'password', 'totpCode', 'recoveryCode'] as const;

/** Seconds left until a rate limit ends (counts down once a second). */
function useCountdown(error: unknown): number {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const interval = useInterval(() => setNow(Date.now()), 1000);
  useEffect(() => {
    if (error instanceof ApiError && error.code === 'rate_limited') {
      setUntil(Date.now() + (error.retryAfter ?? 60) * 1000);
      setNow(Date.now());
    }
  }, [error]);
  useEffect(() => {
    if (until && until > now) interval.start();
    else interval.stop();
    return interval.stop;
  }, [until, now, interval]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const notice = (location.state as { notice?: Notice } | null)?.notice;
  const me = useMe();
  const status = useSetupStatus();
  const signIn = useSignIn();
  const [step, setStep] = useState<Step>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [totpCode, setTotpCode] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const secondsLeft = useCountdown(signIn.error);
  const codeRef = useRef<HTMLInputElement>(null);
  const errors = fieldErrors(signIn.error);

  useEffect(() => {
    if (step !== 'password') codeRef.current?.focus();
  }, [step]);

  if (status.data?.setupRequired) return <Navigate to="/setup" replace />;
  if (me.isPending) return <FullPageLoader />;
  if (me.data && !signIn.isPending) return <Navigate to={next ?? '/'} replace />;

  const send = (overrides: { totpCode?: string; recoveryCode?: string } = {}) => {
    const code = overrides.totpCode ?? totpCode;
    signIn.mutate(
      {
        email,
        password,
        remember,
        ...(step === 'totp' || overrides.totpCode ? { totpCode: code } : {}),
        ...(step === 'recovery' ? { recoveryCode: (overrides.recoveryCode ?? recoveryCode).trim() } : {}),
      },
      {
        onSuccess: () => navigate(next ?? '/', { replace: true }),
        onError: (error) => {
          if (isApiError(error, 'two_factor_required') && step === 'password') {
            setStep('totp');
            signIn.reset();
            return;
          }
          if (step === 'totp') setTotpCode('');
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const rateLimited = isApiError(signIn.error, 'rate_limited') && secondsLeft > 0;

  return (
    <AuthLayout
      testId="signin-page"
      title={step === 'password' ? t('signIn.title') : t('signIn.twoFactorTitle')}
      description={
        step === 'password'
          ? t('signIn.description')
          : step === 'totp'
            ? t('signIn.totpDescription')
            : t('signIn.recoveryDescription')
      }
    >
      {notice && step === 'password' && !signIn.error && (
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} aria-hidden />} role="status">
          {t(`signIn.notice.${notice}`)}
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {step === 'password' ? (
            <>
              <TextInput
                label={t('fields.email')}
                type="email"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                error={errors.email}
                autoComplete="username"
                required
                autoFocus
              />
              <PasswordField
                label={t('fields.password')}
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
                error={errors.password}
                autoComplete="current-password"
                required
              />
              <Checkbox
                label={t('signIn.remember')}
                description={t('signIn.rememberDescription')}
                checked={remember}
                onChange={(event) => setRemember(event.currentTarget.checked)}
              />
            </>
          ) : (
            <Text size="sm">
              {t('signIn.signingInAs')} <strong>{email}</strong>
            </Text>
          )}

          {step === 'totp' && (
            <TextInput
              ref={codeRef}
              label={t('signIn.totpLabel')}
              description={t('signIn.totpHelp')}
              value={totpCode}
              onChange={(event) => {
                const value = event.currentTarget.value.replace(/\D/g, '').slice(0, 6);
                setTotpCode(value);
                if (value.length === 6 && !signIn.isPending) send({ totpCode: value });
              }}
              error={errors.totpCode}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              classNames={{ input: 'code-input' }}
              required
            />
          )}

          {step === 'recovery' && (
            <TextInput
              ref={codeRef}
              label={t('signIn.recoveryLabel')}
              description={t('signIn.recoveryHelp')}
              value={recoveryCode}
              onChange={(event) => setRecoveryCode(event.currentTarget.value)}
              error={errors.recoveryCode}
              autoComplete="one-time-code"
              spellCheck={false}
              required
            />
          )}

          {rateLimited ? (
            <div aria-live="polite">
              <Alert color="orange" variant="light" role="alert">
                {describeWait(secondsLeft)}
              </Alert>
            </div>
          ) : (
            <FormError
              error={signIn.error}
              fields={fields}
              messages={{ two_factor_required: t('signIn.codeRejected') }}
            />
          )}

          <Button
            type="submit"
            loading={signIn.isPending}
            disabled={rateLimited}
            data-testid="signin-submit"
            fullWidth
          >
            {step === 'password' ? t('signIn.submit') : t('signIn.verify')}
          </Button>

          {step !== 'password' && (
            <Group justify="space-between" gap="xs">
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setStep(step === 'totp' ? 'recovery' : 'totp');
                  signIn.reset();
                }}
              >
                {step === 'totp' ? t('signIn.useRecoveryCode') : t('signIn.useAuthenticator')}
              </Anchor>
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setStep('password');
                  setTotpCode('');
                  setRecoveryCode('');
                  signIn.reset();
                }}
              >
                {t('signIn.back')}
              </Anchor>
            </Group>
          )}
        </Stack>
      </form>
    </AuthLayout>
  );
}
