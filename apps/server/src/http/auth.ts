import type { Role } from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { memberships, workspaces } from '../db/schema.js';
import { AppError } from '../errors.js';
import { isUuid } from '../lib/ids.js';
import { ipPrefix } from '../lib/ip.js';
import { findSessionByToken, type SessionRow, type UserRow } from '../modules/auth/sessions.js';
import { can, type WorkspaceAction } from '../modules/workspaces/policy.js';

export type Auth = { user: UserRow; session: SessionRow };
export type Member = Auth & { workspaceId: string; role: Role };

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
    /** Set before validation on routes with a workspace action: the caller's checked membership. */
    member: Member | null;
  }
  interface FastifyInstance {
    /** Every route with its declared access, for the generated route × role test. */
    parleyRoutes: { method: string; url: string; access: string }[];
  }
  interface FastifyContextConfig {
    /**
     * Who may call a route: 'public' (anyone), 'user' (signed in), or a workspace action checked
     * against the caller's role. Every /api route must say; the app refuses to start otherwise.
     */
    access?: 'public' | 'user' | WorkspaceAction;
  }
}

/** Session cookie name: `__Host-` (which requires Secure) when Parley is served over https. */
export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.publicUrl.protocol === 'https:' ? '__Host-parley_session' : 'parley_session';
}

export function setSessionCookie(
  ctx: AppContext,
  reply: FastifyReply,
  token: string,
  session: SessionRow,
): void {
  reply.setCookie(sessionCookieName(ctx), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.protocol === 'https:',
    ...(session.remember ? { expires: session.expiresAt } : {}),
  });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(ctx), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.protocol === 'https:',
  });
}

export function clientIpPrefix(request: FastifyRequest): string | null {
  return ipPrefix(request.ip);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Rejects cross-site state changes: a browser's `Sec-Fetch-Site` must be same-origin (or none), and an
 * `Origin` header must equal this server's origin (PUBLIC_URL or the Host the request was sent to).
 * Bodies must be JSON, which a cross-site form cannot send without a preflight.
 */
export function checkCsrf(ctx: AppContext, request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') throw new AppError('csrf_rejected');
  const origin = request.headers.origin;
  if (origin) {
    const allowed = new Set([ctx.config.publicUrl.origin, `${request.protocol}://${request.host}`]);
    if (!allowed.has(origin)) throw new AppError('csrf_rejected');
  }
}

/** Resolves the session cookie on every /api request and enforces CSRF and access declarations. */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('member', null);
  app.decorate('parleyRoutes', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access policy`);
    if (access !== 'public' && access !== 'user' && !route.url.includes(':workspaceId')) {
      throw new Error(`route ${route.url} has a workspace action but no :workspaceId`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.parleyRoutes.push({ method, url: route.url, access });
    }
  });
  // Authentication and authorization run before body validation, so a caller without the right
  // learns nothing from validation errors, and every route is checked the same way.
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    checkCsrf(ctx, request);
    const token = request.cookies[sessionCookieName(ctx)];
    if (token) request.auth = await findSessionByToken(ctx.db, ctx.config, token);
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (!request.auth) throw new AppError('unauthenticated');
    if (access === 'user') return;
    const workspaceId = (request.params as { workspaceId?: string }).workspaceId ?? '';
    if (!isUuid(workspaceId)) throw new AppError('not_found');
    request.member = await loadMember(ctx, request.auth, workspaceId, access);
  });
}

/** The signed-in person; throws 401 unauthenticated. */
export function requireUser(request: FastifyRequest): Auth {
  if (!request.auth) throw new AppError('unauthenticated');
  return request.auth;
}

/**
 * The caller as an active member of `workspaceId`, allowed to do `action`.
 * Not a member (or deactivated) → 404, so a workspace's existence is not revealed; member without the
 * role → 403; workspace requires 2FA and the person has none → 403 two_factor_setup_required.
 */
async function loadMember(
  ctx: AppContext,
  auth: Auth,
  workspaceId: string,
  action: WorkspaceAction,
): Promise<Member> {
  const [row] = await ctx.db
    .select({ role: memberships.role, require2fa: workspaces.require2fa })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.userId, auth.user.id),
        eq(memberships.status, 'active'),
      ),
    );
  if (!row) throw new AppError('not_found');
  if (row.require2fa && !auth.user.totpEnabledAt) throw new AppError('two_factor_setup_required');
  if (!can(row.role, action)) throw new AppError('forbidden');
  return { ...auth, workspaceId, role: row.role };
}

/** The membership checked for this request (routes with a workspace action only). */
export function requireMember(request: FastifyRequest): Member {
  if (!request.member) throw new Error('requireMember used on a route without a workspace action');
  return request.member;
}
