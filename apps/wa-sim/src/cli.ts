import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

const USAGE = `Usage: npm run wa-sim -- --port 4010 --webhook-url URL --app-secret S --access-token T \\
  --phone-number-id ID --waba-id ID [--verify-token V] [--display-phone-number N] [--seed N] \\
  [--host 127.0.0.1] [--public-base-url URL] [--throughput N] [--no-rules] [--read-delay-ms N|off] [--log]`;

function fail(message: string): never {
  process.stderr.write(`wa-sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) fail(`--${name} must be an integer`);
  return number;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'webhook-url': { type: 'string' },
        'app-secret': { type: 'string' },
        'access-token': { type: 'string' },
        'phone-number-id': { type: 'string' },
        'waba-id': { type: 'string' },
        'verify-token': { type: 'string' },
        'display-phone-number': { type: 'string' },
        seed: { type: 'string' },
        'public-base-url': { type: 'string' },
        throughput: { type: 'string' },
        'no-rules': { type: 'boolean' },
        'read-delay-ms': { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const str = (name: string) => values[name] as string | undefined;
  for (const required of ['app-secret', 'access-token', 'phone-number-id', 'waba-id']) {
    if (!str(required)) fail(`--${required} is required`);
  }
  const readDelay = str('read-delay-ms');
  const simulator = await startSimulator({
    port: integer(str('port'), 'port') ?? 4010,
    host: str('host') ?? '127.0.0.1',
    webhookUrl: str('webhook-url'),
    appSecret: str('app-secret')!,
    accessToken: str('access-token')!,
    phoneNumberId: str('phone-number-id')!,
    wabaId: str('waba-id')!,
    verifyToken: str('verify-token'),
    displayPhoneNumber: str('display-phone-number'),
    seed: integer(str('seed'), 'seed'),
    publicBaseUrl: str('public-base-url'),
    logger: values.log === true,
    rules: {
      ...(str('throughput') ? { throughputMps: integer(str('throughput'), 'throughput') } : {}),
      ...(values['no-rules']
        ? {
            customerServiceWindow: false,
            throughput: false,
            pairRateLimit: false,
            messagingLimit: false,
            perUserMarketingLimit: null,
          }
        : {}),
    },
    statusDelays:
      readDelay === undefined
        ? undefined
        : { readMs: readDelay === 'off' ? null : integer(readDelay, 'read-delay-ms') },
  }).catch((error: Error) => fail(error.message));
  process.stdout.write(
    `wa-sim listening on ${simulator.url}\n` +
      `  Graph API base URL: ${simulator.url}/v25.0\n` +
      `  customer phone:     ${simulator.url}/_sim/phone/\n` +
      `  webhooks to:        ${str('webhook-url') ?? '(none)'}\n`,
  );
  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
