import {
  changePasswordRequest,
  meResponse,
  recoveryCodesResponse,
  regenerateRecoveryCodesRequest,
  sessionListResponse,
  sessionParams,
  setupRequest,
  setupStatusResponse,
  signInRequest,
  totpDisableRequest,
  totpEnableRequest,
  totpSetupResponse,
  updateMeRequest,
} from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { users } from '../../db/schema.js';
import { clearSessionCookie, requireUser, setSessionCookie } from '../../http/auth.js';
import { clientInfo, responses } from '../../http/route-helpers.js';
import { listMyWorkspaces } from '../workspaces/service.js';
import { toMeResponse, toSessionDto } from './presenter.js';
import {
  changePassword,
  completeSetup,
  disableTotp,
  enableTotp,
  endOwnSessions,
  regenerateRecoveryCodes,
  signIn,
  signOut,
  startTotpSetup,
} from './service.js';
import { listLiveSessions } from './sessions.js';
import { isSetupRequired } from './setup.js';

const tags = ['auth'];

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/setup',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Whether the one-time setup is still open',
          response: responses({ 200: setupStatusResponse }),
        },
      },
      async () => ({ setupRequired: await isSetupRequired(ctx.db) }),
    );

    app.post(
      '/setup',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'First run: create the workspace and its owner',
          body: setupRequest,
          response: responses({ 201: meResponse }),
        },
      },
      async (request, reply) => {
        const r = await completeSetup(ctx, request.body, clientInfo(request));
        setSessionCookie(ctx, reply, r.token, r.session);
        // A fresh install gets the sandbox number, so a newcomer can chat with themselves at once.
        await ctx.sandbox
          ?.ensureChannel(r.workspace.id, r.user.id)
          .catch((err) => request.log.warn({ err }, 'the sandbox number could not be connected'));
        const ws = await listMyWorkspaces(ctx.db, r.user.id);
        return reply.code(201).send(toMeResponse(r.user, r.session.id, ws));
      },
    );

    app.post(
      '/sessions',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Sign in (sets the session cookie)',
          description: 'Answers 401 two_factor_required when the account has 2FA and no code was sent.',
          body: signInRequest,
          response: responses({ 200: meResponse }),
        },
      },
      async (request, reply) => {
        const r = await signIn(ctx, request.body, clientInfo(request));
        setSessionCookie(ctx, reply, r.token, r.session);
        return toMeResponse(r.user, r.session.id, await listMyWorkspaces(ctx.db, r.user.id));
      },
    );

    app.delete(
      '/sessions/current',
      { config: { access: 'user' }, schema: { tags, summary: 'Sign out' } },
      async (request, reply) => {
        await signOut(ctx, requireUser(request), clientInfo(request));
        clearSessionCookie(ctx, reply);
        return reply.code(204).send();
      },
    );

    app.get(
      '/me',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'The signed-in person, their workspaces and roles',
          response: responses({ 200: meResponse }),
        },
      },
      async (request) => {
        const { user, session } = requireUser(request);
        return toMeResponse(user, session.id, await listMyWorkspaces(ctx.db, user.id));
      },
    );

    app.patch(
      '/me',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Change name or language',
          body: updateMeRequest,
          response: responses({ 200: meResponse }),
        },
      },
      async (request) => {
        const { user, session } = requireUser(request);
        const [updated] = await ctx.db
          .update(users)
          .set({ ...request.body, updatedAt: new Date() })
          .where(eq(users.id, user.id))
          .returning();
        return toMeResponse(updated!, session.id, await listMyWorkspaces(ctx.db, user.id));
      },
    );

    app.post(
      '/me/password',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Change password (ends every other session)', body: changePasswordRequest },
      },
      async (request, reply) => {
        await changePassword(ctx, requireUser(request), request.body, clientInfo(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/me/sessions',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Devices signed in to this account',
          response: responses({ 200: sessionListResponse }),
        },
      },
      async (request) => {
        const { user, session } = requireUser(request);
        const rows = await listLiveSessions(ctx.db, user.id);
        return { sessions: rows.map((s) => toSessionDto(s, session.id)) };
      },
    );

    app.delete(
      '/me/sessions',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Sign out every other device',
          response: responses({ 200: z.object({ ended: z.number() }) }),
        },
      },
      async (request) => ({
        ended: await endOwnSessions(ctx, requireUser(request), {}, clientInfo(request)),
      }),
    );

    app.delete(
      '/me/sessions/:sessionId',
      { config: { access: 'user' }, schema: { tags, summary: 'End one session', params: sessionParams } },
      async (request, reply) => {
        await endOwnSessions(
          ctx,
          requireUser(request),
          { sessionId: request.params.sessionId },
          clientInfo(request),
        );
        return reply.code(204).send();
      },
    );

    app.post(
      '/me/2fa/setup',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Start two-factor enrollment',
          response: responses({ 200: totpSetupResponse }),
        },
      },
      async (request) => startTotpSetup(ctx, requireUser(request).user),
    );

    app.post(
      '/me/2fa/enable',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Confirm enrollment with a code; returns recovery codes once',
          body: totpEnableRequest,
          response: responses({ 200: recoveryCodesResponse }),
        },
      },
      async (request) => {
        const codes = await enableTotp(
          ctx,
          requireUser(request).user,
          request.body.code,
          clientInfo(request),
        );
        await ctx.events.flush();
        return { recoveryCodes: codes };
      },
    );

    app.post(
      '/me/2fa/disable',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Turn two-factor sign-in off', body: totpDisableRequest },
      },
      async (request, reply) => {
        await disableTotp(ctx, requireUser(request).user, request.body.password, clientInfo(request));
        return reply.code(204).send();
      },
    );

    app.post(
      '/me/2fa/recovery-codes',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Replace the recovery codes',
          body: regenerateRecoveryCodesRequest,
          response: responses({ 200: recoveryCodesResponse }),
        },
      },
      async (request) => ({
        recoveryCodes: await regenerateRecoveryCodes(
          ctx,
          requireUser(request).user,
          request.body.password,
          clientInfo(request),
        ),
      }),
    );
  };
}
