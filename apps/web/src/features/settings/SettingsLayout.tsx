import { Box, Group, NavLink, ScrollArea, Stack } from '@mantine/core';
import {
  IconBolt,
  IconBrandWhatsapp,
  IconBuilding,
  IconHistory,
  IconShieldCheck,
  IconShieldLock,
  IconTag,
  IconTemplate,
  IconUser,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, NavLink as RouterNavLink, useLocation } from 'react-router';
import { FullPageLoader } from '../../components/FullPageLoader';
import '../consents/i18n';
import '../labels/i18n';
import '../templates/i18n';
import '../quick-replies/i18n';
import { useWorkspace } from '../shell/workspace-context';

type Section = { path: string; label: string; icon: typeof IconUser; managersOnly?: boolean };

/** `/w/:workspaceId/settings/*`: the settings sub-navigation (side list, or a scrolling row on phones). */
export function SettingsLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const { workspaceId, isManager, membership } = useWorkspace();
  const base = `/w/${workspaceId}/settings`;

  const sections: Section[] = [
    { path: 'profile', label: t('settings.profile'), icon: IconUser },
    { path: 'security', label: t('settings.security'), icon: IconShieldLock },
    { path: 'people', label: t('settings.people'), icon: IconUsers },
    { path: 'teams', label: t('settings.teams'), icon: IconUsersGroup },
    { path: 'quick-replies', label: t('nav', { ns: 'quickReplies' }), icon: IconBolt },
    { path: 'labels', label: t('nav', { ns: 'labels' }), icon: IconTag },
    { path: 'consent', label: t('nav', { ns: 'consents' }), icon: IconShieldCheck },
    { path: 'templates', label: t('nav', { ns: 'templates' }), icon: IconTemplate },
    { path: 'channels', label: t('channels.nav'), icon: IconBrandWhatsapp },
    // Agents see the workspace settings read-only.
    { path: 'workspace', label: t('settings.workspace'), icon: IconBuilding },
    { path: 'audit', label: t('settings.audit'), icon: IconHistory, managersOnly: true },
  ];
  // While the workspace waits for this person's 2FA setup, only the security page is reachable.
  const visible = membership.twoFactorSetupRequired
    ? sections.filter((section) => section.path === 'security')
    : sections.filter((section) => !section.managersOnly || isManager);
  const current = visible.find((section) => location.pathname.startsWith(`${base}/${section.path}`));
  const blocked = sections.find(
    (section) =>
      section.managersOnly && !isManager && location.pathname.startsWith(`${base}/${section.path}`),
  );
  if (blocked) return <Navigate to={`${base}/profile`} replace />;

  const links = visible.map((section) => (
    <NavLink
      key={section.path}
      component={RouterNavLink}
      to={`${base}/${section.path}`}
      label={section.label}
      leftSection={<section.icon size={18} stroke={1.6} aria-hidden />}
      active={current?.path === section.path}
      variant="light"
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    />
  ));

  return (
    <Stack gap="md" maw={1100}>
      <Group align="flex-start" gap="lg" wrap="nowrap">
        <Box
          component="nav"
          aria-label={t('settings.navigation')}
          w={210}
          visibleFrom="sm"
          style={{ flexShrink: 0 }}
        >
          <Stack gap={2}>{links}</Stack>
        </Box>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Box component="nav" aria-label={t('settings.navigation')} hiddenFrom="sm" mb="md">
            <ScrollArea type="never">
              <Group gap={4} wrap="nowrap" className="settings-tabs">
                {links}
              </Group>
            </ScrollArea>
          </Box>
          <Suspense fallback={<FullPageLoader />}>
            <Outlet />
          </Suspense>
        </Box>
      </Group>
    </Stack>
  );
}
