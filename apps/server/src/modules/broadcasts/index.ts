export { applyRecipientStatuses } from './recipient-status.js';
export { linkBroadcastReplies, type ReplyCandidate } from './replies.js';
export { broadcastRoutes } from './routes.js';
export { sendBroadcastJob } from './send-broadcast.job.js';
export { pauseBroadcastsOfTemplate } from './template-paused.js';
