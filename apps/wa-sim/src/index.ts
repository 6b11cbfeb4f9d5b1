export { createClock, type SimClock } from './clock.js';
export { createSimCore, type PhoneNumberRecord, type SimCore } from './core.js';
export { GraphError, toGraphEnvelope } from './errors.js';
export { type FaultConfig, type FaultConfigInput, faultConfigSchema } from './faults.js';
export { MEDIA_LIMITS } from './media-store.js';
export {
  DEFAULT_RULES,
  DEFAULT_WEBHOOK,
  MESSAGING_LIMIT_TIERS,
  type MediaSettings,
  type MessagingLimitTier,
  type SimRules,
  type SimulatorOptions,
  type StatusDelays,
  type TemplateReview,
  type TemplateReviewRule,
  type WebhookSettings,
} from './options.js';
export { type WaSimPluginOptions, waSimPlugin } from './plugin.js';
export { type RunningSimulator, type StartSimulatorOptions, startSimulator } from './server.js';
