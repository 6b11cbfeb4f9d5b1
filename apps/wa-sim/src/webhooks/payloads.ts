/** Webhook items and how a batch of them becomes one Meta-shaped POST body. */

export type MessagesFieldItem =
  | {
      kind: 'status';
      phoneNumberId: string;
      status: Record<string, unknown>;
      contact?: Record<string, unknown>;
    }
  | {
      kind: 'message';
      phoneNumberId: string;
      message: Record<string, unknown>;
      contact?: Record<string, unknown>;
    }
  | { kind: 'error'; phoneNumberId: string; error: Record<string, unknown> };

export type WebhookItem =
  | MessagesFieldItem
  | { kind: 'change'; field: string; value: Record<string, unknown>; phoneNumberId?: string }
  | {
      kind: 'user_preference';
      phoneNumberId: string;
      preference: Record<string, unknown>;
      contact: Record<string, unknown>;
    };

export type PhoneNumberInfo = { phoneNumberId: string; displayPhoneNumber: string };

type Change = { field: string; value: Record<string, unknown> };

function contactKey(contact: Record<string, unknown>): string {
  return String(contact.wa_id ?? contact.user_id ?? JSON.stringify(contact));
}

/**
 * Groups items like Meta: per phone number one `messages` change with all inbound messages (and
 * their contacts), one with all statuses, one with system errors, in an entry for the WABA without
 * `time`; other fields (template status, user preferences) go in a second entry with `time`.
 */
export function buildEnvelope(
  wabaId: string,
  numbers: Map<string, PhoneNumberInfo>,
  items: WebhookItem[],
  nowSeconds: number,
): Record<string, unknown> {
  const changes: Change[] = [];
  type Group = {
    messages: unknown[];
    statuses: unknown[];
    errors: unknown[];
    contacts: Map<string, unknown>;
    preferences: unknown[];
    preferenceContacts: Map<string, unknown>;
  };
  const grouped = new Map<string, Group>();
  const groupOf = (phoneNumberId: string) => {
    let group = grouped.get(phoneNumberId);
    if (!group) {
      group = {
        messages: [],
        statuses: [],
        errors: [],
        contacts: new Map(),
        preferences: [],
        preferenceContacts: new Map(),
      };
      grouped.set(phoneNumberId, group);
    }
    return group;
  };
  const otherChanges: Change[] = [];
  for (const item of items) {
    if (item.kind === 'change') {
      otherChanges.push({ field: item.field, value: item.value });
      continue;
    }
    const group = groupOf(item.phoneNumberId);
    if (item.kind === 'message') group.messages.push(item.message);
    if (item.kind === 'status') group.statuses.push(item.status);
    if (item.kind === 'error') group.errors.push(item.error);
    if (item.kind === 'user_preference') group.preferences.push(item.preference);
    if (item.kind === 'message' && item.contact) group.contacts.set(contactKey(item.contact), item.contact);
    if (item.kind === 'user_preference') group.preferenceContacts.set(contactKey(item.contact), item.contact);
  }
  for (const [phoneNumberId, group] of grouped) {
    const number = numbers.get(phoneNumberId);
    const base = {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: number?.displayPhoneNumber ?? '',
        phone_number_id: phoneNumberId,
      },
    };
    const messageContacts = [...group.contacts.values()];
    if (group.messages.length > 0) {
      const value: Record<string, unknown> = { ...base };
      if (messageContacts.length > 0) value.contacts = messageContacts;
      value.messages = group.messages;
      changes.push({ field: 'messages', value });
    }
    if (group.statuses.length > 0)
      changes.push({ field: 'messages', value: { ...base, statuses: group.statuses } });
    if (group.errors.length > 0)
      changes.push({ field: 'messages', value: { ...base, errors: group.errors } });
    if (group.preferences.length > 0) {
      otherChanges.push({
        field: 'user_preferences',
        value: {
          ...base,
          contacts: [...group.preferenceContacts.values()],
          user_preferences: group.preferences,
        },
      });
    }
  }
  const entries: Record<string, unknown>[] = [];
  if (changes.length > 0) entries.push({ id: wabaId, changes });
  if (otherChanges.length > 0) entries.push({ id: wabaId, time: nowSeconds, changes: otherChanges });
  return { object: 'whatsapp_business_account', entry: entries };
}
