import { AppShell, Burger, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAddressBook, IconInbox, IconSend, IconSettings } from '@tabler/icons-react';
import { Suspense, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, NavLink as RouterNavLink, useLocation, useParams } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { FullPageLoader } from '../../components/FullPageLoader';
import { Logo } from '../../components/Logo';
import { signInPathForCurrentLocation } from '../../lib/navigation';
import { useMe } from '../auth/api';
import { rememberWorkspace } from '../auth/RootRedirect';
import { NotificationBell } from '../notifications/NotificationBell';
import { preloadSettings } from '../settings/preload';
import { NoAccessPage } from './NoAccessPage';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';
import { WorkspaceContext, type WorkspaceContextValue } from './workspace-context';

/** `/w/:workspaceId/*`: the signed-in frame (header, navigation, main) around a workspace's pages. */
export function AppFrame() {
  const { t } = useTranslation();
  const { workspaceId = '' } = useParams();
  const location = useLocation();
  const me = useMe();
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);

  const membership = me.data?.workspaces.find((workspace) => workspace.workspaceId === workspaceId);
  const context = useMemo<WorkspaceContextValue | null>(
    () =>
      me.data && membership
        ? {
            me: me.data,
            membership,
            workspaceId,
            isManager: membership.role === 'owner' || membership.role === 'admin',
            isOwner: membership.role === 'owner',
          }
        : null,
    [me.data, membership, workspaceId],
  );

  useEffect(() => {
    if (membership) rememberWorkspace(membership.workspaceId);
  }, [membership]);

  useEffect(() => {
    const timer = window.setTimeout(preloadSettings, 1500);
    return () => window.clearTimeout(timer);
  }, []);

  // Close the phone navigation after every navigation.
  useEffect(() => {
    closeNav();
  }, [location.pathname]);

  if (me.isPending) return <FullPageLoader />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Navigate to={signInPathForCurrentLocation()} replace />;
  if (!context || !membership) return <NoAccessPage />;

  const securityPath = `/w/${workspaceId}/settings/security`;
  if (membership.twoFactorSetupRequired && location.pathname !== securityPath) {
    return <Navigate to={securityPath} replace />;
  }

  const base = `/w/${workspaceId}`;
  const links = [
    { to: `${base}/inbox`, label: t('nav.inbox'), icon: IconInbox },
    { to: `${base}/contacts`, label: t('nav.contacts'), icon: IconAddressBook },
    ...(context.isManager ? [{ to: `${base}/broadcasts`, label: t('nav.broadcasts'), icon: IconSend }] : []),
    { to: `${base}/settings`, label: t('nav.settings'), icon: IconSettings },
  ];

  return (
    <WorkspaceContext.Provider value={context}>
      <a className="skip-link" href="#main-content">
        {t('common.skipToContent')}
      </a>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
        padding={{ base: 'md', sm: 'lg' }}
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="sm" wrap="nowrap" miw={0}>
              <Burger
                opened={navOpened}
                onClick={toggleNav}
                hiddenFrom="sm"
                size="sm"
                aria-label={navOpened ? t('nav.closeMenu') : t('nav.openMenu')}
                aria-expanded={navOpened}
                aria-controls="main-navigation"
              />
              <Group gap={8} wrap="nowrap" visibleFrom="xs">
                <Logo size={26} />
                <Text fw={700} fz="lg">
                  Parley
                </Text>
              </Group>
              <WorkspaceSwitcher />
            </Group>
            <Group gap="xs" wrap="nowrap">
              {!membership.twoFactorSetupRequired && <NotificationBell workspaceId={workspaceId} />}
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" id="main-navigation" aria-label={t('nav.main')}>
          <AppShell.Section grow component={ScrollArea}>
            <Stack gap={4}>
              {links.map((link) => (
                <NavLink
                  key={link.to}
                  component={RouterNavLink}
                  to={link.to}
                  label={link.label}
                  leftSection={<link.icon size={20} stroke={1.6} aria-hidden />}
                  active={location.pathname.startsWith(link.to)}
                  disabled={membership.twoFactorSetupRequired && !link.to.endsWith('/settings')}
                  variant="light"
                  style={{ borderRadius: 'var(--mantine-radius-md)' }}
                />
              ))}
            </Stack>
          </AppShell.Section>
          <AppShell.Section>
            <Text size="xs" c="dimmed" px="sm" py="xs">
              {t(`roles.${membership.role}`)} · {membership.workspaceName}
            </Text>
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main id="main-content" tabIndex={-1}>
          <Suspense fallback={<FullPageLoader />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </WorkspaceContext.Provider>
  );
}
