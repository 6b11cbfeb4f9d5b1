import Fastify from 'fastify';
import { createSimCore, type SimCore } from './core.js';
import type { SimulatorOptions } from './options.js';
import { waSimPlugin } from './plugin.js';

export type StartSimulatorOptions = SimulatorOptions & {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Largest JSON body accepted (default 1 MB; media uploads are limited per type instead). */
  bodyLimit?: number;
};

export type RunningSimulator = {
  /** `http://127.0.0.1:<port>`: the Graph base URL is `${url}/v25.0`. */
  url: string;
  port: number;
  core: SimCore;
  /** Shortcut to `core.state` (customers, messages). */
  state: SimCore['state'];
  /** Resolves when every queued webhook was delivered or given up. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
};

/** Starts a standalone simulator (tests use port 0). */
export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const core = createSimCore(options);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  await app.register(waSimPlugin, { ...options, core });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    state: core.state,
    webhooksIdle: () => core.deliverer.waitIdle(),
    close: async () => {
      core.close();
      await app.close();
    },
  };
}
