import { Avatar, Menu, Text, UnstyledButton, useMantineColorScheme } from '@mantine/core';
import { IconLogout, IconMoon, IconShieldLock, IconSun, IconSunMoon, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignOut } from '../auth/api';
import { useWorkspace } from './workspace-context';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    parts.length > 1 ? `${parts[0]![0]}${parts[parts.length - 1]![0]}` : (parts[0]?.slice(0, 2) ?? '?');
  return letters.toUpperCase();
}

/** The avatar menu: profile, security, theme, sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { me, workspaceId } = useWorkspace();
  const signOut = useSignOut();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const nextScheme = colorScheme === 'auto' ? 'light' : colorScheme === 'light' ? 'dark' : 'auto';
  const SchemeIcon = colorScheme === 'auto' ? IconSunMoon : colorScheme === 'dark' ? IconMoon : IconSun;

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton
          data-testid="user-menu"
          aria-label={t('userMenu.label', { name: me.user.name })}
          className="user-menu-button"
        >
          <Avatar color="teal" radius="xl" size={34}>
            {initials(me.user.name)}
          </Avatar>
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
