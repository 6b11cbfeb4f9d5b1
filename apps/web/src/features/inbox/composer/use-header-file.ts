import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadMedia } from './api';
import { checkFile, type FileProblem, kindOfFile, type MediaKind, mimeOf } from './attachments';
import type { HeaderFileState, HeaderMediaKind } from './template-model';

export type HeaderFile = {
  file: File;
  kind: MediaKind;
  /** An object URL of an image, for the thumbnail and the preview. */
  previewUrl: string | null;
  status: 'uploading' | 'uploaded' | 'failed';
  /** Upload progress 0…1. */
  progress: number;
  mediaId: string | null;
  error: unknown;
};

/** Why a chosen file was not taken: WhatsApp refuses it (type, size), or it is not the header's kind. */
export type HeaderRefusal = { name: string; problem: FileProblem | { problem: 'kind'; kind: MediaKind } };

/**
 * The file of a template's media header: checked like attachments before anything is uploaded (type
 * and size WhatsApp takes, and the header's kind), uploaded at once with progress (replacing or
 * removing it cancels the upload), then sent by its media id with the template.
 */
export function useHeaderFile(workspaceId: string, kind: HeaderMediaKind | null) {
  const [current, setCurrent] = useState<HeaderFile | null>(null);
  const [refusal, setRefusal] = useState<HeaderRefusal | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const currentRef = useRef(current);
  currentRef.current = current;

  const release = useCallback(() => {
    abortRef.current?.abort();
    abortRef.current = null;
    const url = currentRef.current?.previewUrl;
    if (url) URL.revokeObjectURL(url);
  }, []);

  const upload = useCallback(
    (file: File, fileKind: MediaKind, previewUrl: string | null) => {
      const abort = new AbortController();
      abortRef.current = abort;
      setCurrent({
        file,
        kind: fileKind,
        previewUrl,
        status: 'uploading',
        progress: 0,
        mediaId: null,
        error: null,
      });
      const update = (change: Partial<HeaderFile>) =>
        setCurrent((c) => (c && c.file === file && abortRef.current === abort ? { ...c, ...change } : c));
      uploadMedia(workspaceId, file, mimeOf(file), {
        signal: abort.signal,
        onProgress: ({ loaded, total }) => update({ progress: total ? loaded / total : 0 }),
      }).then(
        (media) => update({ status: 'uploaded', progress: 1, mediaId: media.id }),
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          update({ status: 'failed', error });
        },
      );
    },
    [workspaceId],
  );

  /** Checks and uploads a file (from the picker or a drop); a refused one is explained instead. */
  const choose = useCallback(
    (file: File) => {
      if (!kind) return;
      const problem = checkFile(file);
      const fileKind = kindOfFile(file);
      if (problem || !fileKind) {
        setRefusal({ name: file.name, problem: problem ?? { problem: 'empty' } });
        return;
      }
      if (fileKind !== kind) {
        setRefusal({ name: file.name, problem: { problem: 'kind', kind: fileKind } });
        return;
      }
      setRefusal(null);
      release();
      upload(file, fileKind, fileKind === 'image' ? URL.createObjectURL(file) : null);
    },
    [kind, release, upload],
  );

  /** Removes the file (cancels its upload). */
  const remove = useCallback(() => {
    release();
    setCurrent(null);
    setRefusal(null);
  }, [release]);

  /** Uploads the same file again: after a failed upload, or when the server no longer takes the id. */
  const retry = useCallback(() => {
    const c = currentRef.current;
    if (!c) return;
    abortRef.current?.abort();
    upload(c.file, c.kind, c.previewUrl);
  }, [upload]);

  // Leaving the form cancels a running upload and releases the thumbnail.
  useEffect(() => release, [release]);

  const state: HeaderFileState = !current
    ? 'none'
    : current.status === 'uploaded'
      ? 'ready'
      : current.status === 'uploading'
        ? 'uploading'
        : 'failed';

  return {
    current,
    refusal,
    state,
    choose,
    remove,
    retry,
    dismissRefusal: useCallback(() => setRefusal(null), []),
  };
}
