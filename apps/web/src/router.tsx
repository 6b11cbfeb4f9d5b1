import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { NotFoundPage } from './components/NotFoundPage';
import { RouteError } from './components/RouteError';
import { RootRedirect } from './features/auth/RootRedirect';
import { SessionRoot } from './features/auth/SessionRoot';
import { SignInPage } from './features/auth/SignInPage';
import { InboxPage } from './features/inbox/InboxPage';
import { AppFrame } from './features/shell/AppFrame';
import { WelcomePage } from './features/workspaces/WelcomePage';

// Pages not needed on a typical first load are split into their own chunks.
const SetupPage = lazy(() => import('./features/auth/SetupPage').then((m) => ({ default: m.SetupPage })));
const InviteAcceptPage = lazy(() =>
  import('./features/invites/InviteAcceptPage').then((m) => ({ default: m.InviteAcceptPage })),
);
const SettingsLayout = lazy(() =>
  import('./features/settings/SettingsLayout').then((m) => ({ default: m.SettingsLayout })),
);
const ProfileSettingsPage = lazy(() =>
  import('./features/profile/ProfileSettingsPage').then((m) => ({ default: m.ProfileSettingsPage })),
);
const SecuritySettingsPage = lazy(() =>
  import('./features/security/SecuritySettingsPage').then((m) => ({ default: m.SecuritySettingsPage })),
);
const PeopleSettingsPage = lazy(() =>
  import('./features/people/PeopleSettingsPage').then((m) => ({ default: m.PeopleSettingsPage })),
);
const TeamsSettingsPage = lazy(() =>
  import('./features/teams/TeamsSettingsPage').then((m) => ({ default: m.TeamsSettingsPage })),
);
const QuickRepliesSettingsPage = lazy(() =>
  import('./features/quick-replies/QuickRepliesSettingsPage').then((m) => ({
    default: m.QuickRepliesSettingsPage,
  })),
);
const ConsentSettingsPage = lazy(() =>
  import('./features/consents/ConsentSettingsPage').then((m) => ({ default: m.ConsentSettingsPage })),
);
const TemplatesSettingsPage = lazy(() =>
  import('./features/templates/TemplatesSettingsPage').then((m) => ({ default: m.TemplatesSettingsPage })),
);
const BroadcastsPage = lazy(() =>
  import('./features/broadcasts/BroadcastsPage').then((m) => ({ default: m.BroadcastsPage })),
);
const BroadcastNewPage = lazy(() =>
  import('./features/broadcasts/BroadcastsPage').then((m) => ({ default: m.BroadcastNewPage })),
);
const BroadcastDetailPage = lazy(() =>
  import('./features/broadcasts/BroadcastsPage').then((m) => ({ default: m.BroadcastDetailPage })),
);
const ContactsPage = lazy(() =>
  import('./features/contacts/ContactsPage').then((m) => ({ default: m.ContactsPage })),
);
const ContactProfilePage = lazy(() =>
  import('./features/contacts/ContactProfile').then((m) => ({ default: m.ContactProfilePage })),
);
const LabelsSettingsPage = lazy(() =>
  import('./features/labels/LabelsSettingsPage').then((m) => ({ default: m.LabelsSettingsPage })),
);
const ChannelsSettingsPage = lazy(() =>
  import('./features/channels/ChannelsSettingsPage').then((m) => ({ default: m.ChannelsSettingsPage })),
);
const WorkspaceSettingsPage = lazy(() =>
  import('./features/workspaces/WorkspaceSettingsPage').then((m) => ({ default: m.WorkspaceSettingsPage })),
);
const AuditLogPage = lazy(() =>
  import('./features/audit/AuditLogPage').then((m) => ({ default: m.AuditLogPage })),
);

export const router = createBrowserRouter([
  {
    element: <SessionRoot />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <RootRedirect /> },
      { path: '/setup', element: <SetupPage /> },
      { path: '/signin', element: <SignInPage /> },
      { path: '/invite/:token', element: <InviteAcceptPage /> },
      { path: '/welcome', element: <WelcomePage /> },
      {
        path: '/w/:workspaceId',
        element: <AppFrame />,
        children: [
          { index: true, element: <Navigate to="inbox" replace /> },
          { path: 'inbox', element: <InboxPage /> },
          { path: 'inbox/:conversationId', element: <InboxPage /> },
          { path: 'contacts', element: <ContactsPage /> },
          { path: 'contacts/:contactId', element: <ContactProfilePage /> },
          { path: 'broadcasts', element: <BroadcastsPage /> },
          { path: 'broadcasts/new', element: <BroadcastNewPage /> },
          { path: 'broadcasts/:broadcastId', element: <BroadcastDetailPage /> },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="profile" replace /> },
              { path: 'profile', element: <ProfileSettingsPage /> },
              { path: 'security', element: <SecuritySettingsPage /> },
              { path: 'people', element: <PeopleSettingsPage /> },
              { path: 'teams', element: <TeamsSettingsPage /> },
              { path: 'quick-replies', element: <QuickRepliesSettingsPage /> },
              { path: 'labels', element: <LabelsSettingsPage /> },
              { path: 'consent', element: <ConsentSettingsPage /> },
              { path: 'templates', element: <TemplatesSettingsPage /> },
              { path: 'channels', element: <ChannelsSettingsPage /> },
              { path: 'workspace', element: <WorkspaceSettingsPage /> },
              { path: 'audit', element: <AuditLogPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
