import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The inbox (and its texts, socket and styles) is its own chunk: the first page load stays small.
const Inbox = lazy(() => import('./Inbox').then((m) => ({ default: m.Inbox })));

/** `/w/:workspaceId/inbox` and `/w/:workspaceId/inbox/:conversationId`. */
export function InboxPage() {
  return (
    <Suspense
      fallback={
        <Center h="60dvh">
          <Loader size="sm" />
        </Center>
      }
    >
      <Inbox />
    </Suspense>
  );
}
