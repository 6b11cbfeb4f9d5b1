import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../../../lib/api';
import type { MessageDto } from '../api';
import { type MediaDto, uploadMedia } from './api';
import {
  captionAllowed,
  checkFile,
  type FileProblem,
  kindOfFile,
  type MediaKind,
  mimeOf,
} from './attachments';

/** At most this many files wait in the tray at once. */
export const MAX_TRAY_FILES = 10;

export type Attachment = {
  id: string;
  file: File;
  mime: string;
  kind: MediaKind;
  /** An object URL of an image or sticker, for the thumbnail. */
  previewUrl: string | null;
  caption: string;
  status: 'uploading' | 'uploaded' | 'sending' | 'failed';
  /** Upload progress 0…1. */
  progress: number;
  /** Where it failed, and the message to show. */
  failure: { stage: 'upload' | 'send'; error: unknown } | null;
  /** The agent pressed send: it goes out as soon as it is uploaded (and the ones before it are sent). */
  queued: boolean;
};

export type Refusal = { id: string; name: string; problem: FileProblem | { problem: 'tooMany' } };

type SendMedia = (body: {
  media: { mediaId: string; caption?: string };
  replyToMessageId?: string;
}) => Promise<MessageDto>;

let counter = 0;
const nextId = () => `attachment-${Date.now()}-${++counter}`;

/** A file already stored on the server (`mediaId`), e.g. a quick reply's copy; `previewUrl` for images. */
export type StoredFile = {
  mediaId: string;
  kind: MediaKind;
  mimeType: string;
  filename: string | null;
  size: number | null;
  previewUrl: string | null;
};

/** An empty File standing in for a stored one in the tray: its name, type and (recorded) size. */
function fileStub(stored: StoredFile): File {
  const file = new File([], stored.filename || stored.kind, { type: stored.mimeType });
  Object.defineProperty(file, 'size', { value: stored.size ?? 0 });
  return file;
}

/**
 * The tray of files to send: each is checked (type, size) before anything is uploaded, uploads at once
 * with progress (cancel aborts it), and is sent as its own message, in tray order, when the agent sends.
 * A failed upload or send stays in the tray with its error; nothing the agent typed is dropped.
 */
export function useAttachments(workspaceId: string, conversationId: string, sendMedia: SendMedia) {
  const [items, setItems] = useState<Attachment[]>([]);
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const uploads = useRef(new Map<string, { promise: Promise<MediaDto>; abort: AbortController }>());
  const mediaIds = useRef(new Map<string, string>());
  const sending = useRef(false);

  const patch = useCallback((id: string, change: Partial<Attachment>) => {
    setItems((list) => list.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const startUpload = useCallback(
    (item: Pick<Attachment, 'id' | 'file' | 'mime'>) => {
      const abort = new AbortController();
      const promise = uploadMedia(workspaceId, item.file, item.mime, {
        signal: abort.signal,
        onProgress: ({ loaded, total }) => patch(item.id, { progress: total ? loaded / total : 0 }),
      });
      uploads.current.set(item.id, { promise, abort });
      promise.then(
        (media) => {
          mediaIds.current.set(item.id, media.id);
          setItems((list) =>
            list.map((i) =>
              i.id === item.id && i.status === 'uploading' ? { ...i, status: 'uploaded', progress: 1 } : i,
            ),
          );
        },
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          patch(item.id, { status: 'failed', failure: { stage: 'upload', error }, queued: false });
        },
      );
      // A rejection is handled above and again by whoever awaits it for sending.
      promise.catch(() => undefined);
    },
    [workspaceId, patch],
  );

  /** Checks and adds files (from the picker, a drop or the clipboard); refused ones are explained. */
  const addFiles = useCallback(
    (files: File[]) => {
      const added: Attachment[] = [];
      const refused: Refusal[] = [];
      let room = MAX_TRAY_FILES - itemsRef.current.length;
      for (const file of files) {
        const problem = checkFile(file);
        const kind = kindOfFile(file);
        if (problem || !kind) {
          refused.push({ id: nextId(), name: file.name, problem: problem ?? { problem: 'empty' } });
          continue;
        }
        if (room <= 0) {
          refused.push({ id: nextId(), name: file.name, problem: { problem: 'tooMany' } });
          continue;
        }
        room--;
        added.push({
          id: nextId(),
          file,
          mime: mimeOf(file),
          kind,
          previewUrl: kind === 'image' || kind === 'sticker' ? URL.createObjectURL(file) : null,
          caption: '',
          status: 'uploading',
          progress: 0,
          failure: null,
          queued: false,
        });
      }
      setRefusals(refused);
      if (added.length === 0) return;
      setItems((list) => [...list, ...added]);
      for (const item of added) startUpload(item);
    },
    [startUpload],
  );

  /**
   * Adds a file that is stored on the server already (a quick reply's fresh copy): nothing to upload,
   * it waits in the tray as uploaded and is sent like the others.
   */
  const addStored = useCallback((stored: StoredFile) => {
    if (itemsRef.current.length >= MAX_TRAY_FILES) {
      setRefusals([{ id: nextId(), name: stored.filename ?? '', problem: { problem: 'tooMany' } }]);
      return;
    }
    const id = nextId();
    mediaIds.current.set(id, stored.mediaId);
    const item: Attachment = {
      id,
      file: fileStub(stored),
      mime: stored.mimeType,
      kind: stored.kind,
      previewUrl: stored.previewUrl,
      caption: '',
      status: 'uploaded',
      progress: 1,
      failure: null,
      queued: false,
    };
    setItems((list) => [...list, item]);
  }, []);

  /** Removes a file from the tray; cancels its upload when it is still running. */
  const remove = useCallback((id: string) => {
    const upload = uploads.current.get(id);
    upload?.abort.abort();
    uploads.current.delete(id);
    mediaIds.current.delete(id);
    setItems((list) => {
      const item = list.find((i) => i.id === id);
      if (item?.previewUrl) URL.revokeObjectURL(item.previewUrl);
      return list.filter((i) => i.id !== id);
    });
  }, []);

  const retryUpload = useCallback(
    (id: string) => {
      const item = itemsRef.current.find((i) => i.id === id);
      if (!item) return;
      patch(id, { status: 'uploading', progress: 0, failure: null });
      startUpload(item);
    },
    [patch, startUpload],
  );

  const setCaption = useCallback((id: string, caption: string) => patch(id, { caption }), [patch]);
  const dismissRefusal = useCallback(
    (id: string) => setRefusals((list) => list.filter((r) => r.id !== id)),
    [],
  );

  /**
   * Sends every file of the tray, one message each, in order; stops at the first failure (so the order
   * holds) and leaves it and the rest in the tray. Resolves true when all were sent.
   */
  const sendAll = useCallback(
    async (replyTo: MessageDto | null): Promise<boolean> => {
      if (sending.current) return false;
      sending.current = true;
      let reply = replyTo;
      try {
        const queue = itemsRef.current.map((i) => i.id);
        setItems((list) => list.map((i) => ({ ...i, queued: true })));
        for (const id of queue) {
          const item = itemsRef.current.find((i) => i.id === id);
          if (!item) continue; // removed meanwhile
          if (item.status === 'failed' && item.failure?.stage === 'upload') {
            setItems((list) => list.map((i) => ({ ...i, queued: false })));
            return false;
          }
          let mediaId = mediaIds.current.get(id);
          if (!mediaId) {
            const upload = uploads.current.get(id);
            if (!upload) continue;
            try {
              mediaId = (await upload.promise).id;
            } catch {
              setItems((list) => list.map((i) => ({ ...i, queued: false })));
              return false; // shown at the item (or it was cancelled)
            }
          }
          const current = itemsRef.current.find((i) => i.id === id);
          if (!current) continue;
          patch(id, { status: 'sending', failure: null });
          const caption = captionAllowed(current.kind) ? current.caption.trim() : '';
          try {
            await sendMedia({
              media: { mediaId, ...(caption ? { caption } : {}) },
              ...(reply ? { replyToMessageId: reply.id } : {}),
            });
          } catch (error) {
            patch(id, { status: 'failed', failure: { stage: 'send', error } });
            setItems((list) => list.map((i) => ({ ...i, queued: false })));
            return false;
          }
          reply = null;
          uploads.current.delete(id);
          mediaIds.current.delete(id);
          setItems((list) => {
            const sent = list.find((i) => i.id === id);
            if (sent?.previewUrl) URL.revokeObjectURL(sent.previewUrl);
            return list.filter((i) => i.id !== id);
          });
        }
        return true;
      } finally {
        sending.current = false;
      }
    },
    [patch, sendMedia],
  );

  /** Empties the tray (another conversation): uploads are cancelled, object URLs released. */
  const clear = useCallback(() => {
    for (const { abort } of uploads.current.values()) abort.abort();
    uploads.current.clear();
    mediaIds.current.clear();
    setItems((list) => {
      for (const item of list) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
      return [];
    });
    setRefusals([]);
  }, []);

  useEffect(() => clear, [conversationId, clear]);

  return {
    items,
    refusals,
    addFiles,
    addStored,
    remove,
    retryUpload,
    setCaption,
    dismissRefusal,
    sendAll,
    clear,
  };
}

/** True when a send failure was the upload of a file WhatsApp refuses (413/415): retrying will not help. */
export function isFinalUploadError(error: unknown): boolean {
  return isApiError(error, 'media_too_large') || isApiError(error, 'media_type_unsupported');
}
