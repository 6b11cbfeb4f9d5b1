import type { TemplateDto } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import {
  audienceOf,
  type BroadcastForm,
  conditionOf,
  emptyForm,
  isAudienceEmpty,
  localToIso,
  missingVariables,
  newCondition,
  placeholdersOf,
  progressOf,
  requestOf,
  sampleValues,
  scheduleProblem,
  unsupportedTemplate,
  variablesOf,
} from './model';

const template = (over: Partial<TemplateDto> = {}): TemplateDto => ({
  id: '00000000-0000-4000-8000-000000000001',
  channelId: '00000000-0000-4000-8000-0000000000c1',
  name: 'winter_sale',
  language: 'de',
  category: 'MARKETING',
  status: 'APPROVED',
  parameterFormat: 'POSITIONAL',
  components: [],
  bodyParameters: ['2', '1'],
  headerParameters: ['1'],
  headerFormat: 'TEXT',
  buttonParameters: [],
  syncedAt: '2026-12-01T00:00:00Z',
  ...over,
});

const form = (over: Partial<BroadcastForm> = {}): BroadcastForm => ({ ...emptyForm, ...over });
const L1 = '00000000-0000-4000-8000-00000000001a';
const L2 = '00000000-0000-4000-8000-00000000001b';

describe('broadcast form model', () => {
  it('leaves incomplete conditions out and keeps the complete ones', () => {
    const label = newCondition('label');
    const attr = { ...newCondition('attribute'), key: 'city' } as const;
    expect(conditionOf(label)).toBeNull();
    expect(conditionOf(attr)).toBeNull(); // equals needs a value
    expect(conditionOf({ ...attr, op: 'exists' } as never)).toEqual({
      type: 'attribute',
      key: 'city',
      op: 'exists',
    });
    expect(conditionOf({ ...attr, value: ' Köln ' } as never)).toEqual({
      type: 'attribute',
      key: 'city',
      op: 'equals',
      value: 'Köln',
    });
    expect(conditionOf({ ...newCondition('lastContact'), days: '' } as never)).toBeNull();
    expect(conditionOf({ ...newCondition('lastContact'), op: 'never' } as never)).toEqual({
      type: 'lastContact',
      op: 'never',
    });
    expect(conditionOf({ ...newCondition('lastContact'), days: 0 } as never)).toBeNull();
    expect(conditionOf(newCondition('consent'))).toEqual({ type: 'consent', state: 'granted' });
  });

  it('builds the audience from labels, segment, lists and exclusions', () => {
    const f = form({
      labelIds: [L1],
      conditions: [newCondition('consent'), newCondition('label')],
      excludeLabelIds: [L2],
      listContactIds: [L1, L1],
    });
    expect(audienceOf(f)).toEqual({
      contactIds: [L1],
      labelIds: [L1],
      segment: { conditions: [{ type: 'consent', state: 'granted' }] },
      exclude: { labelIds: [L2] },
    });
    expect(isAudienceEmpty(audienceOf(form()))).toBe(true);
    // An exclusion alone names nobody.
    expect(isAudienceEmpty(audienceOf(form({ excludeLabelIds: [L2] })))).toBe(true);
    expect(isAudienceEmpty(audienceOf(form({ conditions: [newCondition('label')] })))).toBe(true);
  });

  it('keys placeholders like the API: the header first, the body in numeric order', () => {
    expect(placeholdersOf(template())).toEqual(['header.1', '1', '2']);
    expect(
      placeholdersOf(
        template({ parameterFormat: 'NAMED', bodyParameters: ['first_name'], headerParameters: [] }),
      ),
    ).toEqual(['first_name']);
  });

  it('defaults the first body value to the contact name and asks for the rest', () => {
    const t = template();
    expect(variablesOf(form(), t)).toEqual({ '1': { field: 'contact.name' } });
    expect(missingVariables(form(), t)).toEqual(['header.1', '2']);
    const filled = form({
      variables: {
        'header.1': { kind: 'fixed', value: ' Winter ' },
        '1': { kind: 'field', field: 'contact.attributes.first_name', fallback: 'Kundin' },
        '2': { kind: 'fixed', value: '20 %' },
      },
    });
    expect(variablesOf(filled, t)).toEqual({
      'header.1': 'Winter',
      '1': { field: 'contact.attributes.first_name', fallback: 'Kundin' },
      '2': '20 %',
    });
    expect(missingVariables(filled, t)).toEqual([]);
    // A malformed field is no value.
    expect(
      variablesOf(
        form({ variables: { '1': { kind: 'field', field: 'contact.attributes.a-b', fallback: '' } } }),
        t,
      ),
    ).toEqual({});
  });

  it('turns a local date and time into ISO with the zone offset', () => {
    const iso = localToIso('2026-12-24T18:30');
    expect(iso).toMatch(/^2026-12-24T18:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(iso!).getTime()).toBe(new Date(2026, 11, 24, 18, 30).getTime());
    expect(localToIso('2026-02-30T10:00')).toBeNull();
    expect(localToIso('tomorrow')).toBeNull();
    expect(localToIso('')).toBeNull();
  });

  it('checks the chosen time', () => {
    const now = new Date(2026, 11, 7, 12, 0).getTime();
    expect(scheduleProblem(form(), now)).toBeNull();
    expect(scheduleProblem(form({ schedule: 'later' }), now)).toBe('required');
    expect(scheduleProblem(form({ schedule: 'later', scheduledLocal: 'x' }), now)).toBe('invalid');
    expect(scheduleProblem(form({ schedule: 'later', scheduledLocal: '2026-12-07T11:59' }), now)).toBe(
      'past',
    );
    expect(scheduleProblem(form({ schedule: 'later', scheduledLocal: '2026-12-07T12:01' }), now)).toBeNull();
  });

  it('writes the create request', () => {
    const t = template({ bodyParameters: ['1'], headerParameters: [] });
    const r = requestOf(
      form({ channelId: t.channelId, labelIds: [L1], schedule: 'later', scheduledLocal: '2026-12-24T09:00' }),
      t,
    );
    expect(r).toMatchObject({
      channelId: t.channelId,
      templateName: 'winter_sale',
      language: 'de',
      audience: { labelIds: [L1] },
      variables: { '1': { field: 'contact.name' } },
    });
    expect(r.scheduledAt).toBe(localToIso('2026-12-24T09:00'));
    expect(requestOf(form({ labelIds: [L1] }), t).scheduledAt).toBeUndefined();
  });

  it('marks templates a broadcast cannot send', () => {
    expect(unsupportedTemplate(template())).toBe(false);
    expect(unsupportedTemplate(template({ headerFormat: 'IMAGE' }))).toBe(true);
    expect(
      unsupportedTemplate(template({ buttonParameters: [{ index: 0, type: 'url', text: 'Shop' }] })),
    ).toBe(true);
  });

  it('maps sample values for the preview and computes progress', () => {
    expect(sampleValues({ 'header.1': 'Winter', '1': 'Ana', '2': null })).toEqual({
      body: { '1': 'Ana' },
      header: { '1': 'Winter' },
      buttons: {},
    });
    const counts = {
      total: 4,
      replied: 0,
      queued: 1,
      sending: 1,
      sent: 1,
      delivered: 0,
      read: 0,
      failed: 0,
      skipped: 1,
      unknown: 0,
    };
    expect(progressOf(counts)).toEqual({ done: 2, total: 4, percent: 50 });
    expect(progressOf({ ...counts, total: 0, queued: 0, sending: 0 }).percent).toBe(0);
  });
});
