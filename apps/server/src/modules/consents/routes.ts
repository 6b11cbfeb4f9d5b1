import {
  consentEntryDto,
  consentHistoryResponse,
  consentSettingsDto,
  contactParams,
  recordConsentRequest,
  updateConsentSettingsRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import {
  consentHistory,
  consentSettingsOf,
  recordConsentByMember,
  updateConsentSettings,
} from './service.js';

/** The consent ledger of a contact, and the workspace's opt-in/opt-out keywords and texts. */
export function consentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['consents'];
    app.get(
      '/workspaces/:workspaceId/contacts/:contactId/consents',
      {
        config: { access: 'contacts.read' },
        schema: {
          tags,
          summary: "A contact's consent history (oldest first) and the current state per purpose",
          params: contactParams,
          response: responses({ 200: consentHistoryResponse }),
        },
      },
      async (request) => consentHistory(ctx, requireMember(request), request.params.contactId),
    );
    app.post(
      '/workspaces/:workspaceId/contacts/:contactId/consents',
      {
        config: { access: 'contacts.manage' },
        schema: {
          tags,
          summary:
            'Record a consent given or withdrawn outside WhatsApp (web form, import, call, API); appended, never changed',
          params: contactParams,
          body: recordConsentRequest,
          response: responses({ 201: consentEntryDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await recordConsentByMember(ctx, requireMember(request), request.params.contactId, request.body),
          ),
    );
    app.get(
      '/workspaces/:workspaceId/consent-settings',
      {
        config: { access: 'contacts.read' },
        schema: {
          tags,
          summary: 'Opt-in and opt-out keywords and the texts of the double opt-in',
          params: workspaceParams,
          response: responses({ 200: consentSettingsDto }),
        },
      },
      async (request) => consentSettingsOf(ctx.db, requireMember(request).workspaceId),
    );
    app.patch(
      '/workspaces/:workspaceId/consent-settings',
      {
        config: { access: 'consents.settings' },
        schema: {
          tags,
          summary: 'Change the keywords or texts (an opt-in keyword may not also be an opt-out keyword)',
          params: workspaceParams,
          body: updateConsentSettingsRequest,
          response: responses({ 200: consentSettingsDto }),
        },
      },
      async (request) => updateConsentSettings(ctx, requireMember(request), request.body),
    );
  };
}
