import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildMember, buildWorkspace, startTestServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.app.server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

function connect(headers: Record<string, string>): Socket {
  const s = io(url, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  sockets.push(s);
  return s;
}

function waitFor<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
    socket.once(event, (payload: T) => {
      clearTimeout(t);
      resolve(payload);
    });
  });
}

describe('real-time gateway', () => {
  it('refuses a connection without a session', async () => {
    const s = connect({});
    const err = await waitFor<Error>(s, 'connect_error');
    expect(err.message).toBe('unauthenticated');
  });

  it('refuses a connection from a foreign origin (cross-site WebSocket hijacking)', async () => {
    const { owner } = await buildWorkspace(server);
    const s = connect({ cookie: owner.cookie, origin: 'https://evil.example' });
    await waitFor(s, 'connect_error');
    expect(s.connected).toBe(false);
  });

  it('signs a browser out live when an admin ends the session, and closes its socket', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const s = connect({ cookie: agent.cookie, origin: url });
    await waitFor(s, 'connect');
    const ended = waitFor<{ sessionId: string; reason: string }>(s, 'session.ended');
    const disconnected = waitFor<string>(s, 'disconnect');
    const res = await as(server, owner, {
      method: 'DELETE',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}/sessions`,
    });
    expect(res.statusCode).toBe(200);
    expect((await ended).reason).toBe('ended_by_admin');
    expect(await disconnected).toBe('io server disconnect');
  });

  it('tells a person their membership changed', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const s = connect({ cookie: agent.cookie });
    await waitFor(s, 'connect');
    const changed = waitFor<{ workspaceId: string }>(s, 'membership.changed');
    await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}`,
      payload: { role: 'admin' },
    });
    expect((await changed).workspaceId).toBe(workspace.id);
  });
});
