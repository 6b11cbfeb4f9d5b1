import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, missingParam, unknownObject } from '../errors.js';
import {
  formatRejection,
  presentTemplate,
  type SimTemplate,
  validateTemplateComponents,
  validateTemplateCreate,
} from '../template-store.js';
import { headerHandleProblem } from '../upload-store.js';
import { type GraphParams, publicBase, requireWaba } from './shared.js';
import { handleUploadChunk, isUploadSessionId } from './uploads.js';
import { isObject } from './validate-send.js';

const MAX_PAGE = 1000;

const encodeCursor = (index: number) => Buffer.from(`sim:${index}`).toString('base64url');
function decodeCursor(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string') return undefined;
  const match = /^sim:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new GraphError({ code: 100, details: 'Param after/before is not a valid cursor.' });
  return Number(match[1]);
}

/** Emits a `message_template_status_update` webhook for a template's current status. */
export function emitTemplateStatus(
  core: SimCore,
  template: SimTemplate,
  event: string,
  reason = 'NONE',
): void {
  const value: Record<string, unknown> = {
    event,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason,
    message_template_category: template.category,
  };
  if (template.rejectionInfo && event === 'REJECTED') value.rejection_info = template.rejectionInfo;
  core.deliverer.enqueue({ kind: 'change', field: 'message_template_status_update', value });
}

/** Emits a `message_template_quality_update` webhook (the quality rating Meta derives from feedback). */
export function emitTemplateQuality(
  core: SimCore,
  template: SimTemplate,
  previous: string,
  next: string,
): void {
  core.deliverer.enqueue({
    kind: 'change',
    field: 'message_template_quality_update',
    value: {
      previous_quality_score: previous,
      new_quality_score: next,
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: template.language,
    },
  });
}

/** Sets a template status (review outcome, pause, disable…) and tells the webhook. */
export function setTemplateStatus(
  core: SimCore,
  template: SimTemplate,
  status: string,
  reason?: string,
): void {
  template.status = status;
  template.reason = reason;
  emitTemplateStatus(core, template, status, reason ?? 'NONE');
}

/** Review: first matching rule, else the format check, else the default outcome — after `delayMs`. */
function scheduleReview(core: SimCore, template: SimTemplate): void {
  const review = core.options.templateReview;
  core.later(review.delayMs, () => {
    if (core.templates.templates.get(template.id) !== template || template.status !== 'PENDING') return;
    const rule = review.rules.find((candidate) => new RegExp(candidate.namePattern).test(template.name));
    const rejection = formatRejection(template);
    if (rule) {
      if (rule.outcome === 'REJECTED') template.rejectionInfo = undefined;
      setTemplateStatus(
        core,
        template,
        rule.outcome,
        rule.outcome === 'REJECTED' ? (rule.reason ?? 'INVALID_FORMAT') : 'NONE',
      );
    } else if (rejection) {
      template.rejectionInfo = rejection;
      setTemplateStatus(core, template, 'REJECTED', 'INVALID_FORMAT');
    } else {
      setTemplateStatus(
        core,
        template,
        review.defaultOutcome,
        review.defaultOutcome === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE',
      );
    }
  });
}

/** Template management: list (paginated, filtered), create (reviewed later), edit, delete. */
export function registerTemplateRoutes(app: FastifyInstance, core: SimCore, prefix: string): void {
  app.get<{ Params: GraphParams; Querystring: Record<string, string | undefined> }>(
    '/:version/:nodeId/message_templates',
    async (request) => {
      requireWaba(core, request.params.nodeId, 'get');
      const query = request.query;
      const limit = query.limit === undefined ? 25 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new GraphError({
          code: 100,
          details: `Param limit must be an integer between 1 and ${MAX_PAGE}.`,
        });
      }
      const matches = core.templates.list().filter((template) => {
        if (query.status && !query.status.toUpperCase().split(',').includes(template.status)) return false;
        if (query.name && !template.name.includes(query.name)) return false;
        if (query.category && !query.category.toUpperCase().split(',').includes(template.category))
          return false;
        if (query.language && !query.language.split(',').includes(template.language)) return false;
        return true;
      });
      const start = decodeCursor(query.after) ?? 0;
      const page = matches.slice(start, start + limit);
      const fields = query.fields?.split(',').map((field) => field.trim());
      const data = page.map((template) => {
        const view = presentTemplate(template);
        return fields
          ? Object.fromEntries(Object.entries(view).filter(([key]) => key === 'id' || fields.includes(key)))
          : view;
      });
      const body: Record<string, unknown> = { data };
      if (page.length > 0) {
        const paging: Record<string, unknown> = {
          cursors: { before: encodeCursor(start), after: encodeCursor(start + page.length) },
        };
        if (start + page.length < matches.length) {
          const next = new URL(`${publicBase(core, request, prefix)}${request.url}`);
          next.searchParams.set('after', encodeCursor(start + page.length));
          next.searchParams.set('limit', String(limit));
          next.searchParams.delete('access_token');
          paging.next = next.toString();
        }
        body.paging = paging;
      }
      return body;
    },
  );

  app.post<{ Params: GraphParams }>('/:version/:nodeId/message_templates', async (request) => {
    requireWaba(core, request.params.nodeId, 'post');
    const draft = validateTemplateCreate(request.body, core.clock.now());
    const header = draft.components.find((component) => component.type.toUpperCase() === 'HEADER');
    const problem = header && headerHandleProblem(core.uploads, header as Record<string, unknown>);
    if (problem) throw new GraphError({ code: 100, message: '(#100) Invalid parameter', details: problem });
    const template = core.templates.add(draft);
    scheduleReview(core, template);
    return { id: template.id, status: template.status, category: template.category };
  });

  app.delete<{ Params: GraphParams; Querystring: Record<string, string | undefined> }>(
    '/:version/:nodeId/message_templates',
    async (request) => {
      requireWaba(core, request.params.nodeId, 'delete');
      const { name, hsm_id: hsmId, hsm_ids: hsmIds } = request.query;
      let targets: SimTemplate[];
      if (hsmIds) {
        if (name) throw new GraphError({ code: 100, details: 'hsm_ids cannot be combined with name.' });
        let ids: unknown;
        try {
          ids = JSON.parse(hsmIds);
        } catch {
          ids = undefined;
        }
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
          throw new GraphError({ code: 100, details: 'Param hsm_ids must be a JSON array of 1 to 100 ids.' });
        }
        targets = [];
        for (const id of ids) {
          const template = core.templates.templates.get(String(id));
          if (!template) throw unknownObject(String(id), 'delete');
          targets.push(template);
        }
      } else {
        if (!name) throw missingParam('name');
        targets = core.templates
          .list()
          .filter((template) => template.name === name && (!hsmId || template.id === hsmId));
        if (targets.length === 0) {
          throw new GraphError({ code: 100, details: `Template ${name.slice(0, 80)} was not found.` });
        }
      }
      if (targets.some((template) => template.status === 'DISABLED')) {
        throw new GraphError({ code: 100, details: 'DISABLED templates cannot be deleted.' });
      }
      for (const template of targets) {
        core.templates.templates.delete(template.id);
        emitTemplateStatus(core, template, 'DELETED');
      }
      return { success: true };
    },
  );

  app.post<{ Params: GraphParams }>('/:version/:nodeId', async (request) => {
    if (isUploadSessionId(request.params.nodeId)) return handleUploadChunk(core, request);
    const template = core.templates.templates.get(request.params.nodeId);
    if (!template) throw unknownObject(request.params.nodeId, 'post');
    const body = request.body;
    if (!isObject(body))
      throw new GraphError({ code: 100, details: 'The request body must be a JSON object.' });
    if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(template.status)) {
      throw new GraphError({ code: 100, details: `A ${template.status} template cannot be edited.` });
    }
    if (
      body.category !== undefined &&
      template.status === 'APPROVED' &&
      body.category !== template.category
    ) {
      throw new GraphError({ code: 100, details: 'The category of an approved template cannot be edited.' });
    }
    if (body.components !== undefined) {
      if (!Array.isArray(body.components))
        throw new GraphError({ code: 100, details: 'Param components must be an array.' });
      validateTemplateComponents(body.components, template.parameterFormat);
      template.components = body.components;
    }
    if (typeof body.category === 'string')
      template.category = body.category.toUpperCase() as SimTemplate['category'];
    template.status = 'PENDING';
    template.rejectionInfo = undefined;
    scheduleReview(core, template);
    return { success: true };
  });
}
