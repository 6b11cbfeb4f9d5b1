import { Avatar, Menu, Text, UnstyledButton, useMantineColorScheme } from '@mantine/core';
import {
  IconCheck,
  IconLogout,
  IconMoon,
  IconShieldLock,
  IconSun,
  IconSunMoon,
  IconUser,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignOut } from '../auth/api';
import type { Chosen } from '../notifications/idle';
import { usePresence } from '../notifications/presence';
import '../notifications/i18n';
import '../notifications/notifications.css';
import { useWorkspace } from './workspace-context';

const availabilities: Chosen[] = ['available', 'away'];

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    parts.length > 1 ? `${parts[0]![0]}${parts[parts.length - 1]![0]}` : (parts[0]?.slice(0, 2) ?? '?');
  return letters.toUpperCase();
}

/** The avatar menu: availability (with automatic away), profile, security, theme, sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const { t: tn } = useTranslation('notifications');
  const navigate = useNavigate();
  const { me, workspaceId } = useWorkspace();
  const presence = usePresence(workspaceId, me.user.id);
  const status = tn(`availability.${presence.availability}`);
  const signOut = useSignOut();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const nextScheme = colorScheme === 'auto' ? 'light' : colorScheme === 'light' ? 'dark' : 'auto';
  const SchemeIcon = colorScheme === 'auto' ? IconSunMoon : colorScheme === 'dark' ? IconMoon : IconSun;

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton
          data-testid="user-menu"
          aria-label={`${t('userMenu.label', { name: me.user.name })}, ${tn('availability.status', { status })}`}
          className="user-menu-button"
          data-availability={presence.availability}
        >
          <span className="availability-avatar">
            <Avatar color="teal" radius="xl" size={34}>
              {initials(me.user.name)}
            </Avatar>
            <span
              className="availability-dot"
              data-availability={presence.availability}
              data-testid="availability-dot"
              aria-hidden
            />
          </span>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate="end">
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" truncate="end">
            {me.user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Label id="availability-label">{tn('availability.label')}</Menu.Label>
        <fieldset
          className="availability-group"
          aria-labelledby="availability-label"
          data-testid="availability-switch"
        >
          {availabilities.map((a) => (
            <Menu.Item
              key={a}
              role="menuitemradio"
              aria-checked={presence.availability === a}
              leftSection={<span className="availability-dot" data-availability={a} aria-hidden />}
              rightSection={presence.availability === a ? <IconCheck size={14} aria-hidden /> : null}
              onClick={() => presence.choose(a)}
              data-testid={`availability-${a}`}
            >
              {tn(`availability.${a}`)}
            </Menu.Item>
          ))}
        </fieldset>
        <Text size="xs" c="dimmed" px="sm" pb={4} maw={240}>
          {tn('availability.autoHint')}
        </Text>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconUser size={16} aria-hidden />}
          onClick={() => navigate(`/w/${workspaceId}/settings/profile`)}
        >
          {t('userMenu.profile')}
        </Menu.Item>
        <Menu.Item
          leftSection={<IconShieldLock size={16} aria-hidden />}
          onClick={() => navigate(`/w/${workspaceId}/settings/security`)}
        >
          {t('userMenu.security')}
        </Menu.Item>
        <Menu.Item
          leftSection={<SchemeIcon size={16} aria-hidden />}
          onClick={() => setColorScheme(nextScheme)}
          closeMenuOnClick={false}
        >
          {t('userMenu.theme', { scheme: t(`theme.${colorScheme}`) })}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} aria-hidden />}
          data-testid="sign-out"
          onClick={() => signOut.mutate()}
        >
          {t('userMenu.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
