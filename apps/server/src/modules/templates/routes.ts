import multipart from '@fastify/multipart';
import {
  channelParams,
  createTemplateRequest,
  templateDto,
  templateListQuery,
  templateListResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { requireMember } from '../../http/auth.js';
import { responses, singleFilePart } from '../../http/route-helpers.js';
import { getChannel } from '../channels/service.js';
import { GraphApiError } from '../whatsapp/graph-client.js';
import { MAX_HEADER_SAMPLE_BYTES, uploadHeaderSample } from './header-sample.js';
import { createTemplate, deleteTemplate, listTemplates, syncTemplates } from './service.js';

/** The answer to a header sample upload: Meta's handle for `header.mediaHandle`, and what was sent. */
export const headerSampleDto = z.object({
  handle: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
});

export function templateRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['templates'];
    // Multipart only for the sample upload (this plugin's routes); one byte over the largest limit, so
    // the per-format cap decides.
    await app.register(multipart, {
      limits: { files: 1, fileSize: MAX_HEADER_SAMPLE_BYTES + 1, fields: 0, parts: 1 },
    });
    app.get(
      '/workspaces/:workspaceId/templates',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Synced message templates',
          params: workspaceParams,
          querystring: templateListQuery,
          response: responses({ 200: templateListResponse }),
        },
      },
      async (request) => ({
        templates: await listTemplates(ctx.db, request.params.workspaceId, request.query),
      }),
    );
    app.post(
      '/workspaces/:workspaceId/channels/:channelId/templates',
      {
        config: { access: 'templates.manage' },
        schema: {
          tags,
          summary: "Create a template and submit it to Meta's review (checked against Meta's rules first)",
          params: channelParams,
          body: createTemplateRequest,
          response: responses({ 201: templateDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await createTemplate(ctx, requireMember(request), request.params.channelId, request.body)),
    );
    app.post(
      '/workspaces/:workspaceId/channels/:channelId/templates/header-sample',
      {
        config: { access: 'templates.manage' },
        schema: {
          tags,
          summary:
            'Upload a media header\'s sample file to Meta (multipart/form-data, one part named "file")',
          description:
            "For a new template with an IMAGE (JPEG or PNG, up to 5 MB), VIDEO (MP4, up to 16 MB) or DOCUMENT (PDF, up to 100 MB) header: the file goes to Meta through its Resumable Upload API and the answer's `handle` goes into the create request as `header.mediaHandle`. Nothing is stored in Parley.",
          consumes: ['multipart/form-data'],
          params: channelParams,
          querystring: z.object({ format: z.enum(['IMAGE', 'VIDEO', 'DOCUMENT']) }),
          response: responses({ 201: headerSampleDto }),
        },
      },
      async (request, reply) => {
        const member = requireMember(request);
        const part = await singleFilePart(request);
        const sample = await uploadHeaderSample(
          ctx,
          member,
          request.params.channelId,
          request.query.format,
          part,
        );
        return reply.code(201).send(sample);
      },
    );
    app.delete(
      '/workspaces/:workspaceId/templates/:templateId',
      {
        config: { access: 'templates.manage' },
        schema: {
          tags,
          summary: 'Delete a template at Meta and here (this language only)',
          params: z.object({ workspaceId: z.uuid(), templateId: z.uuid() }),
        },
      },
      async (request, reply) => {
        await deleteTemplate(ctx, requireMember(request), request.params.templateId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/channels/:channelId/templates/sync',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Sync templates from WhatsApp now',
          params: channelParams,
          response: responses({ 200: z.object({ synced: z.number() }) }),
        },
      },
      async (request) => {
        const ch = await getChannel(ctx.db, request.params.workspaceId, request.params.channelId);
        try {
          return { synced: await syncTemplates(ctx, ch.id) };
        } catch (err) {
          if (err instanceof GraphApiError)
            throw new AppError('whatsapp_unreachable', { graphCode: err.code, graphTitle: err.title });
          throw err;
        }
      },
    );
  };
}
