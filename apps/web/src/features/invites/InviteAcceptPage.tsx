import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { AuthLayout } from '../../components/AuthLayout';
import { FormError } from '../../components/FormError';
import { FullPageLoader } from '../../components/FullPageLoader';
import { PasswordField } from '../../components/PasswordField';
import { isApiError } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { fieldErrors } from '../../lib/forms';
import { useMe, useSignOut } from '../auth/api';
import { type InvitePreview, useAcceptInvite, useInvitePreview } from './api';

const fields = ['name', 'email', 'password'] as const;

/** `/invite/:token`: shows who invited whom to which workspace, then joins or creates the account. */
export function InviteAcceptPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const preview = useInvitePreview(token);
  const me = useMe();

  if (preview.isPending || me.isPending) return <FullPageLoader />;

  if (preview.isError) {
    const expired = isApiError(preview.error, 'invite_expired');
    const missing = isApiError(preview.error, 'not_found') || isApiError(preview.error, 'validation_failed');
    return (
      <AuthLayout
        title={expired ? t('invite.expiredTitle') : missing ? t('invite.notFoundTitle') : t('errors.title')}
        description={expired ? t('invite.expiredText') : missing ? t('invite.notFoundText') : undefined}
      >
        {!expired && !missing && <FormError error={preview.error} />}
        <Button component={Link} to="/" variant="default">
          {t('invite.goHome')}
        </Button>
      </AuthLayout>
    );
  }

  const invite = preview.data;
  return (
    <AuthLayout
      title={t('invite.title', { workspace: invite.workspaceName })}
      description={t('invite.description', { inviter: invite.invitedBy })}
    >
      <InviteSummary invite={invite} />
      {me.data ? (
        <JoinAsCurrentUser
          token={token}
          name={me.data.user.name}
          email={me.data.user.email}
          inviteEmail={invite.email}
        />
      ) : (
        <CreateAccountForm token={token} invite={invite} />
      )}
    </AuthLayout>
  );
}

function InviteSummary({ invite }: { invite: InvitePreview }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="md" bg="var(--mantine-color-default-hover)">
      <Stack gap={6}>
        <Group justify="space-between" gap="xs">
          <Text fw={600}>{invite.workspaceName}</Text>
          <Badge variant="light">{t(`roles.${invite.role}`)}</Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('invite.invitedBy', { name: invite.invitedBy })}
        </Text>
        {invite.email && (
          <Text size="sm" c="dimmed">
            {t('invite.forEmail', { email: invite.email })}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          {t('invite.validUntil', { date: formatDate(invite.expiresAt) })}
        </Text>
      </Stack>
    </Paper>
  );
}

function JoinAsCurrentUser({
  token,
  name,
  email,
  inviteEmail,
}: {
  token: string;
  name: string;
  email: string;
  inviteEmail: string | null;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const accept = useAcceptInvite(token);
  const signOut = useSignOut({ stayOnPage: true });
  const otherEmail = !!inviteEmail && inviteEmail.toLowerCase() !== email.toLowerCase();
  return (
    <Stack gap="md">
      <Text size="sm">
        <Trans i18nKey="invite.signedInAs" values={{ name, email }} components={{ strong: <strong /> }} />
      </Text>
      {otherEmail && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
          {t('invite.otherEmail', { email: inviteEmail })}
        </Alert>
      )}
      <FormError
        error={accept.error}
        messages={{
          forbidden: t('invite.otherEmail', { email: inviteEmail ?? '' }),
          already_member: (
            <>
              {t('errors.already_member')}{' '}
              <Anchor component={Link} to="/">
                {t('invite.goHome')}
              </Anchor>
            </>
          ),
          invite_expired: t('invite.expiredText'),
        }}
      />
      <Button
        data-testid="invite-accept"
        disabled={otherEmail}
        loading={accept.isPending}
        onClick={() =>
          accept.mutate(
            {},
            { onSuccess: (result) => navigate(`/w/${result.workspaceId}/inbox`, { replace: true }) },
          )
        }
        fullWidth
      >
        {t('invite.join')}
      </Button>
      <Text size="sm" ta="center">
        <Anchor component="button" type="button" onClick={() => signOut.mutate()}>
          {t('invite.notYou')}
        </Anchor>
      </Text>
    </Stack>
  );
}

function CreateAccountForm({ token, invite }: { token: string; invite: InvitePreview }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const accept = useAcceptInvite(token);
  const [name, setName] = useState('');
  const [email, setEmail] = useState(invite.email ?? '');
  const [password, setPassword] = useState('');
  const errors = fieldErrors(accept.error);
  const signInLink = `/signin?next=${encodeURIComponent(`/invite/${token}`)}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate(
      { name, email, password },
      { onSuccess: (result) => navigate(`/w/${result.workspaceId}/inbox`, { replace: true }) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          {t('invite.haveAccount')}{' '}
          <Anchor component={Link} to={signInLink}>
            {t('invite.signInFirst')}
          </Anchor>
        </Text>
        <TextInput
          label={t('fields.yourName')}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={errors.name}
          autoComplete="name"
          required
          autoFocus
        />
        <TextInput
          label={t('fields.email')}
          type="email"
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          readOnly={!!invite.email}
          description={invite.email ? t('invite.emailFixed') : undefined}
          error={errors.email}
          autoComplete="email"
          required
        />
        <PasswordField
          label={t('fields.password')}
          description={t('fields.passwordRules')}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
          autoComplete="new-password"
          required
        />
        {isApiError(accept.error, 'email_taken') ? (
          <div aria-live="polite">
            <Alert
              color="orange"
              variant="light"
              role="alert"
              icon={<IconAlertTriangle size={18} aria-hidden />}
            >
              <Stack gap="xs">
                <Text size="sm">{t('invite.emailTaken')}</Text>
                <Anchor component={Link} to={signInLink} size="sm" fw={600}>
                  {t('invite.signInToJoin')}
                </Anchor>
              </Stack>
            </Alert>
          </div>
        ) : (
          <FormError
            error={accept.error}
            fields={fields}
            messages={{ invite_expired: t('invite.expiredText'), not_found: t('invite.notFoundText') }}
          />
        )}
        <Button type="submit" loading={accept.isPending} data-testid="invite-accept" fullWidth>
          {t('invite.createAndJoin')}
        </Button>
      </Stack>
    </form>
  );
}
