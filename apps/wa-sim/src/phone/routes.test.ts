import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('customer phone page', () => {
  it('is served with a strict CSP and no external resources', async () => {
    const response = await fetch(`${h.sim.url}/_sim/phone/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect(html).not.toMatch(/ on[a-z]+=/);
  });

  it('redirects /_sim/phone to the trailing-slash URL and serves its assets', async () => {
    const redirect = await fetch(`${h.sim.url}/_sim/phone`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/_sim/phone/');
    expect((await fetch(`${h.sim.url}/_sim/phone/phone.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
    expect((await fetch(`${h.sim.url}/_sim/phone/phone.css`)).headers.get('content-type')).toContain(
      'text/css',
    );
  });

  it('renders message text with textContent only (no innerHTML, no eval)', () => {
    const script = ['phone.js', 'bubbles.js']
      .map((name) => readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8'))
      .join('\n');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(script).toContain('textContent');
  });
});
