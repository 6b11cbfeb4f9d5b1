/**
 * Fetches the lazily loaded settings chunks in the background once the app frame is idle, so opening
 * settings later shows no spinner. The same module specifiers as in router.tsx, so the chunks are shared.
 */
export function preloadSettings(): void {
  void Promise.all([
    import('./SettingsLayout'),
    import('../profile/ProfileSettingsPage'),
    import('../security/SecuritySettingsPage'),
    import('../people/PeopleSettingsPage'),
    import('../teams/TeamsSettingsPage'),
    import('../quick-replies/QuickRepliesSettingsPage'),
    import('../labels/LabelsSettingsPage'),
    import('../consents/ConsentSettingsPage'),
    import('../workspaces/WorkspaceSettingsPage'),
    import('../audit/AuditLogPage'),
  ]).catch(() => undefined);
}
