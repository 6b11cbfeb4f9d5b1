import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder holding the example payloads of the contract (copied from shared/docs/whatsapp-examples). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type FixtureKind =
  | 'inbound'
  | 'status'
  | 'value'
  | 'template-status'
  | 'request'
  | 'response'
  | 'error';

/** Names (file name without `.json`) of every example payload. */
export const fixtureNames: readonly string[] = readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

/** Raw bytes of one example, as stored. Throws for an unknown name. */
export function loadFixtureBytes(name: string): Buffer {
  if (!fixtureNames.includes(name)) throw new Error(`unknown WhatsApp fixture: ${name}`);
  return readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url));
}

/** Parsed example payload (a fresh copy on each call). Throws for an unknown name. */
export function loadFixture<T = unknown>(name: string): T {
  return JSON.parse(loadFixtureBytes(name).toString('utf8')) as T;
}

/** What an example is, from its name (`inbound-*`, `status-*`, `*-request`, `error-*`, …). */
export function fixtureKind(name: string): FixtureKind {
  if (name.startsWith('inbound-')) return 'inbound';
  if (name.startsWith('status-')) return 'status';
  if (name.startsWith('value-')) return 'value';
  if (name.startsWith('template-status-')) return 'template-status';
  if (name.startsWith('error-')) return 'error';
  if (name.endsWith('-request')) return 'request';
  return 'response';
}

/** Every example, parsed at import (36 small files): `fixtures['inbound-text']`. Do not mutate. */
export const fixtures: Readonly<Record<string, unknown>> = Object.freeze(
  Object.fromEntries(fixtureNames.map((name) => [name, loadFixture(name)])),
);
