import { describe, expect, it } from 'vitest';
import { allActions, can, canChangeRole, canInvite, canManageMember } from './policy.js';

describe('workspace policy', () => {
  it('owners may do everything', () => {
    for (const a of allActions) expect(can('owner', a)).toBe(true);
  });

  it('agents work conversations and contacts, and manage nothing of the workspace', () => {
    const allowed = allActions.filter((a) => can('agent', a));
    expect(allowed.sort()).toEqual([
      'channels.read',
      'contacts.manage',
      'contacts.read',
      'conversations.assign',
      'conversations.read',
      'conversations.reply',
      'labels.read',
      'members.read',
      'notifications.read',
      'presence.update',
      'quickReplies.read',
      'quickReplies.write',
      'teams.read',
      'workspace.read',
    ]);
  });

  it('admins manage people and teams but not the 2FA policy', () => {
    expect(can('admin', 'members.manage')).toBe(true);
    expect(can('admin', 'audit.read')).toBe(true);
    expect(can('admin', 'workspace.require2fa')).toBe(false);
  });

  it.each([
    ['owner', 'agent', 'owner', true],
    ['owner', 'owner', 'agent', true],
    ['admin', 'agent', 'admin', true],
    ['admin', 'agent', 'owner', false],
    ['admin', 'owner', 'agent', false],
    ['agent', 'agent', 'admin', false],
  ] as const)('%s changing %s → %s: %s', (actor, from, to, expected) => {
    expect(canChangeRole(actor, from, to)).toBe(expected);
  });

  it('only owners manage owners or invite owners', () => {
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'admin')).toBe(true);
    expect(canInvite('admin', 'owner')).toBe(false);
    expect(canInvite('owner', 'owner')).toBe(true);
    expect(canInvite('agent', 'agent')).toBe(false);
  });
});
