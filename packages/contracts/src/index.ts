export * from './auth.js';
export * from './common.js';
export * from './contacts.js';
export * from './inbox.js';
export * from './quick-replies.js';
export * from './realtime.js';
export * from './team-inbox.js';
export * from './workspaces.js';
