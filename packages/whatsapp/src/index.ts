export * from './error-codes.js';
export * from './fixtures.js';
export * from './schemas/common.js';
export * from './schemas/graph.js';
export * from './schemas/inbound.js';
export * from './schemas/send.js';
export * from './schemas/webhook.js';
export * from './signature.js';
