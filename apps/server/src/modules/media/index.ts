/**
 * Attachments: the encrypted file store, the inbound download job, upload and download routes, the
 * Graph API upload for sending, and the clean-up of unsent uploads.
 */
export { deleteUnattachedUploads } from './cleanup.js';
export { copyStoredMedia } from './copy-media.js';
export { downloadMediaJob } from './download-media.job.js';
export { ensureGraphMediaId } from './graph-upload.js';
export { attachInboundMedia } from './inbound.js';
export { type MediaRow, mediaUrl, toMediaDto } from './presenter.js';
export { mediaByIds } from './repo.js';
export { mediaRoutes } from './routes.js';
export { MediaStorage } from './storage.js';
