import type { DbOrTx } from '../../db/client.js';
import type { templates } from '../../db/schema.js';
import { recordEvent } from '../../realtime/event-bus.js';

/** `template.updated` payload: ids and the new state; the client refetches the list. */
export type TemplateUpdatedPayload = {
  channelId: string;
  templateId: string;
  status: string;
  qualityScore: string | null;
};

/**
 * Records `template.updated` for each changed template, to the workspace's room (everyone there may see
 * templates), in the caller's transaction. True when there was one (the caller flushes after commit).
 */
export async function recordTemplateUpdated(
  tx: DbOrTx,
  rows: (typeof templates.$inferSelect)[],
): Promise<boolean> {
  for (const t of rows) {
    const payload: TemplateUpdatedPayload = {
      channelId: t.channelId,
      templateId: t.id,
      status: t.status,
      qualityScore: t.qualityScore,
    };
    await recordEvent(tx, {
      type: 'template.updated',
      workspaceId: t.workspaceId,
      rooms: [`workspace:${t.workspaceId}`],
      payload,
    });
  }
  return rows.length > 0;
}
