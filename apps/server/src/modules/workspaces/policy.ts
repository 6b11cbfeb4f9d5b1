import type { Role } from '@parley/contracts';

/** Everything a member may try in a workspace. Each workspace route names exactly one action. */
export type WorkspaceAction =
  | 'workspace.read'
  | 'workspace.update'
  | 'workspace.require2fa'
  | 'members.read'
  | 'members.manage'
  | 'invites.manage'
  | 'teams.read'
  | 'teams.manage'
  | 'audit.read'
  | 'channels.read'
  | 'channels.manage'
  | 'conversations.read'
  | 'conversations.reply'
  | 'conversations.assign'
  | 'contacts.read'
  | 'contacts.manage'
  | 'contacts.import'
  | 'contacts.export'
  | 'contacts.attributes'
  | 'contacts.merge'
  | 'consents.settings'
  | 'templates.manage'
  | 'attributes.manage'
  | 'labels.read'
  | 'labels.manage'
  | 'quickReplies.read'
  | 'quickReplies.write'
  | 'notifications.read'
  | 'presence.update'
  | 'routing.manage'
  | 'broadcasts.read'
  | 'broadcasts.manage';

const table: Record<WorkspaceAction, readonly Role[]> = {
  'workspace.read': ['owner', 'admin', 'agent'],
  'workspace.update': ['owner', 'admin'],
  'workspace.require2fa': ['owner'],
  'members.read': ['owner', 'admin', 'agent'],
  'members.manage': ['owner', 'admin'],
  'invites.manage': ['owner', 'admin'],
  'teams.read': ['owner', 'admin', 'agent'],
  'teams.manage': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'channels.read': ['owner', 'admin', 'agent'],
  'channels.manage': ['owner', 'admin'],
  'conversations.read': ['owner', 'admin', 'agent'],
  'conversations.reply': ['owner', 'admin', 'agent'],
  'conversations.assign': ['owner', 'admin', 'agent'],
  'contacts.read': ['owner', 'admin', 'agent'],
  'contacts.manage': ['owner', 'admin', 'agent'],
  'contacts.import': ['owner', 'admin'],
  'contacts.export': ['owner', 'admin'],
  'contacts.attributes': ['owner', 'admin'],
  'contacts.merge': ['owner', 'admin'],
  /** Opt-in/opt-out keywords and the confirmation texts of the double opt-in. */
  'consents.settings': ['owner', 'admin'],
  /** Creating and deleting message templates at Meta. */
  'templates.manage': ['owner', 'admin'],
  'attributes.manage': ['owner', 'admin'],
  'labels.read': ['owner', 'admin', 'agent'],
  'labels.manage': ['owner', 'admin'],
  'quickReplies.read': ['owner', 'admin', 'agent'],
  /** Personal snippets for everyone; shared ones only owners and admins (checked in the service). */
  'quickReplies.write': ['owner', 'admin', 'agent'],
  'notifications.read': ['owner', 'admin', 'agent'],
  'presence.update': ['owner', 'admin', 'agent'],
  /** Which teams work a channel, automatic assignment, members' capacity and absence. */
  'routing.manage': ['owner', 'admin'],
  /** Newsletters: marketing to many customers is the business owners' and admins' decision. */
  'broadcasts.read': ['owner', 'admin'],
  'broadcasts.manage': ['owner', 'admin'],
};

/** Pure role check: may a member with `role` perform `action`? */
export function can(role: Role, action: WorkspaceAction): boolean {
  return table[action].includes(role);
}

/**
 * May `actor` give `target` (currently `from`) the role `to`? Only owners grant or take the owner
 * role; admins manage agents and admins but never owners.
 */
export function canChangeRole(actor: Role, from: Role, to: Role): boolean {
  if (actor === 'owner') return true;
  if (actor === 'admin') return from !== 'owner' && to !== 'owner';
  return false;
}

/** May `actor` deactivate, reactivate or end the sessions of a member with role `target`? */
export function canManageMember(actor: Role, target: Role): boolean {
  if (actor === 'owner') return true;
  return actor === 'admin' && target !== 'owner';
}

/** May `actor` create an invite for `role`? */
export function canInvite(actor: Role, role: Role): boolean {
  if (actor === 'owner') return true;
  return actor === 'admin' && role !== 'owner';
}

export const allActions = Object.keys(table) as WorkspaceAction[];
