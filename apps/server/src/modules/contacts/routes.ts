import multipart from '@fastify/multipart';
import {
  contactListQuery,
  contactListResponse,
  contactNoteDto,
  contactNoteParams,
  contactNoteRequest,
  contactParams,
  contactProfileDto,
  countryCode,
  createContactRequest,
  createCustomAttributeRequest,
  customAttributeDto,
  customAttributeListResponse,
  customAttributeParams,
  importMapping,
  importPreviewResponse,
  importReport,
  mergeContactRequest,
  setContactLabelsRequest,
  updateContactRequest,
  updateCustomAttributeRequest,
  workspaceParams,
} from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { customAttributes } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { clientIpPrefix, requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { exportContacts } from './export.js';
import { importContacts, MAX_IMPORT_BYTES, previewImport } from './import.js';
import {
  addContactNote,
  attributeDefinitions,
  contactProfile,
  createContact,
  defaultCountryOf,
  deleteContactNote,
  listContacts,
  mergeContacts,
  setBlocked,
  setContactLabels,
  toAttributeDto,
  updateContact,
} from './service.js';

const fileIssue = (message: string) =>
  new AppError('validation_failed', { issues: [{ path: 'body.file', message }] });

export function contactRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['contacts'];
    // One byte over the limit, so that busboy reports it (FST_REQ_FILE_TOO_LARGE) instead of truncating.
    await app.register(multipart, {
      limits: { files: 1, fileSize: MAX_IMPORT_BYTES + 1, fields: 5, fieldSize: 64 * 1024, parts: 6 },
    });

    app.get(
      '/workspaces/:workspaceId/contacts',
      {
        config: { access: 'contacts.read' },
        schema: {
          tags,
          summary: 'List contacts (search by name words or number digits, filter by label or blocked)',
          params: workspaceParams,
          querystring: contactListQuery,
          response: responses({ 200: contactListResponse }),
        },
      },
      async (request) => listContacts(ctx, requireMember(request), request.query),
    );
    app.post(
      '/workspaces/:workspaceId/contacts',
      {
        config: { access: 'contacts.manage' },
        schema: {
          tags,
          summary: 'Create a contact (the number is normalised to E.164)',
          params: workspaceParams,
          body: createContactRequest,
          response: responses({ 201: contactProfileDto }),
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createContact(ctx, requireMember(request), request.body)),
    );
    app.get(
      '/workspaces/:workspaceId/contacts/export',
      {
        config: { access: 'contacts.export' },
        schema: {
          tags,
          summary: 'Export contacts as CSV (UTF-8 with BOM, formulas escaped)',
          params: workspaceParams,
          querystring: contactListQuery.pick({ q: true, labelId: true, blocked: true }),
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const stream = await exportContacts(
          ctx,
          requireMember(request),
          request.query,
          clientIpPrefix(request),
        );
        const day = new Date().toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="contacts-${day}.csv"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
    app.post(
      '/workspaces/:workspaceId/contacts/import/preview',
      {
        config: { access: 'contacts.import' },
        schema: {
          tags,
          summary:
            'Read the first 64 KB of a CSV: encoding, delimiter, headers, sample rows, suggested mapping',
          consumes: ['multipart/form-data'],
          params: workspaceParams,
          response: responses({ 200: importPreviewResponse }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        if (!request.isMultipart())
          throw fileIssue('Send the CSV as multipart/form-data in a part named "file"');
        for await (const part of request.parts()) {
          if (part.type === 'file' && part.fieldname === 'file') return previewImport(ctx, member, part.file);
          if (part.type === 'file') part.file.resume();
        }
        throw fileIssue('Send the CSV in a part named "file"');
      },
    );
    app.post(
      '/workspaces/:workspaceId/contacts/import',
      {
        config: { access: 'contacts.import' },
        schema: {
          tags,
          summary: 'Import contacts from CSV (streamed; report of imported and rejected rows)',
          description:
            'multipart/form-data: optional fields `mapping` (JSON: column header → name | phone | email | labels | attr:<key> | ignore), `defaultCountry` (e.g. DE), `onDuplicate` (skip | update), then the part `file`. UTF-8, UTF-16 and Latin-1/Windows-1252 are detected; up to 200 MB.',
          consumes: ['multipart/form-data'],
          params: workspaceParams,
          response: responses({ 200: importReport }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        if (!request.isMultipart())
          throw fileIssue('Send the CSV as multipart/form-data in a part named "file"');
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > MAX_IMPORT_BYTES + 64 * 1024)
          throw new AppError('file_too_large', { maxBytes: MAX_IMPORT_BYTES });
        const fields: Record<string, string> = {};
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            fields[part.fieldname] = String(part.value);
            continue;
          }
          if (part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          let mapping: z.infer<typeof importMapping> | undefined;
          if (fields.mapping) {
            let raw: unknown;
            try {
              raw = JSON.parse(fields.mapping);
            } catch {
              raw = null;
            }
            const parsed = importMapping.safeParse(raw);
            if (!parsed.success) {
              part.file.resume();
              throw new AppError('validation_failed', {
                issues: [
                  { path: 'body.mapping', message: 'mapping must be a JSON object of column → field' },
                ],
              });
            }
            mapping = parsed.data;
          }
          const country = countryCode.safeParse(fields.defaultCountry);
          const onDuplicate = fields.onDuplicate === 'update' ? 'update' : 'skip';
          return importContacts(
            ctx,
            member,
            part.file,
            {
              ...(mapping ? { mapping } : {}),
              defaultCountry: country.success
                ? country.data
                : await defaultCountryOf(ctx.db, member.workspaceId),
              onDuplicate,
            },
            clientIpPrefix(request),
          );
        }
        throw fileIssue('Send the CSV in a part named "file" (after the other fields)');
      },
    );

    app.get(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        config: { access: 'contacts.read' },
        schema: { tags, params: contactParams, response: responses({ 200: contactProfileDto }) },
      },
      async (request) => contactProfile(ctx, requireMember(request), request.params.contactId),
    );
    app.patch(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        config: { access: 'contacts.manage' },
        schema: {
          tags,
          params: contactParams,
          body: updateContactRequest,
          response: responses({ 200: contactProfileDto }),
        },
      },
      async (request) => updateContact(ctx, requireMember(request), request.params.contactId, request.body),
    );
    app.put(
      '/workspaces/:workspaceId/contacts/:contactId/labels',
      {
        config: { access: 'contacts.manage' },
        schema: {
          tags,
          params: contactParams,
          body: setContactLabelsRequest,
          response: responses({ 200: contactProfileDto }),
        },
      },
      async (request) =>
        setContactLabels(ctx, requireMember(request), request.params.contactId, request.body.labelIds),
    );
    app.post(
      '/workspaces/:workspaceId/contacts/:contactId/notes',
      {
        config: { access: 'contacts.manage' },
        schema: {
          tags,
          params: contactParams,
          body: contactNoteRequest,
          response: responses({ 201: contactNoteDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await addContactNote(ctx, requireMember(request), request.params.contactId, request.body.text),
          ),
    );
    app.delete(
      '/workspaces/:workspaceId/contacts/:contactId/notes/:noteId',
      {
        config: { access: 'contacts.manage' },
        schema: { tags, params: contactNoteParams },
      },
      async (request, reply) => {
        await deleteContactNote(ctx, requireMember(request), request.params.contactId, request.params.noteId);
        return reply.code(204).send();
      },
    );
    for (const [action, blocked] of [
      ['block', true],
      ['unblock', false],
    ] as const)
      app.post(
        `/workspaces/:workspaceId/contacts/:contactId/${action}`,
        {
          config: { access: 'contacts.manage' },
          schema: {
            tags,
            summary: blocked
              ? 'Block a contact: nothing is sent to them; what they send is stored quietly (no reopening, unread, queue or notification)'
              : 'Unblock a contact',
            params: contactParams,
            response: responses({ 200: contactProfileDto }),
          },
        },
        async (request) => setBlocked(ctx, requireMember(request), request.params.contactId, blocked),
      );

    app.post(
      '/workspaces/:workspaceId/contacts/:contactId/merge',
      {
        config: { access: 'contacts.merge' },
        schema: {
          tags,
          summary: 'Merge a duplicate into this contact (the duplicate is deleted)',
          description:
            'Conversations, notes and labels move over; empty fields and attributes are filled from the duplicate. ' +
            'The number with conversations is kept; two contacts that both have conversations cannot be merged (409 merge_conflict).',
          params: contactParams,
          body: mergeContactRequest,
          response: responses({ 200: contactProfileDto }),
        },
      },
      async (request) =>
        mergeContacts(ctx, requireMember(request), request.params.contactId, request.body.otherId),
    );

    // Custom attribute definitions (admins).
    app.get(
      '/workspaces/:workspaceId/contact-attributes',
      {
        config: { access: 'contacts.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: customAttributeListResponse }) },
      },
      async (request) => ({
        attributes: await attributeDefinitions(ctx.db, requireMember(request).workspaceId),
      }),
    );
    app.post(
      '/workspaces/:workspaceId/contact-attributes',
      {
        config: { access: 'contacts.attributes' },
        schema: {
          tags,
          params: workspaceParams,
          body: createCustomAttributeRequest,
          response: responses({ 201: customAttributeDto }),
        },
      },
      async (request, reply) => {
        const ws = requireMember(request).workspaceId;
        const b = request.body;
        if (b.type === 'list' && !(b.options?.length ?? 0))
          throw new AppError('validation_failed', {
            issues: [{ path: 'body.options', message: 'A list needs at least one option' }],
          });
        const [row] = await ctx.db
          .insert(customAttributes)
          .values({
            workspaceId: ws,
            key: b.key,
            label: b.label,
            type: b.type,
            options: b.type === 'list' ? [...new Set(b.options)] : [],
            position: b.position ?? 0,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) throw new AppError('attribute_key_taken');
        return reply.code(201).send(toAttributeDto(row));
      },
    );
    app.patch(
      '/workspaces/:workspaceId/contact-attributes/:attributeId',
      {
        config: { access: 'contacts.attributes' },
        schema: {
          tags,
          params: customAttributeParams,
          body: updateCustomAttributeRequest,
          response: responses({ 200: customAttributeDto }),
        },
      },
      async (request) => {
        const { workspaceId, attributeId } = request.params;
        const b = request.body;
        const [row] = await ctx.db
          .update(customAttributes)
          .set({
            ...(b.label !== undefined ? { label: b.label } : {}),
            ...(b.options !== undefined ? { options: [...new Set(b.options)] } : {}),
            ...(b.position !== undefined ? { position: b.position } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(customAttributes.id, attributeId), eq(customAttributes.workspaceId, workspaceId)))
          .returning();
        if (!row) throw new AppError('not_found');
        return toAttributeDto(row);
      },
    );
    app.delete(
      '/workspaces/:workspaceId/contact-attributes/:attributeId',
      {
        config: { access: 'contacts.attributes' },
        schema: { tags, params: customAttributeParams },
      },
      async (request, reply) => {
        const { workspaceId, attributeId } = request.params;
        const [row] = await ctx.db
          .delete(customAttributes)
          .where(and(eq(customAttributes.id, attributeId), eq(customAttributes.workspaceId, workspaceId)))
          .returning({ id: customAttributes.id });
        if (!row) throw new AppError('not_found');
        return reply.code(204).send();
      },
    );
  };
}
