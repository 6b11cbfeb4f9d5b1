/**
 * Where a process spent its CPU time, from a V8 `.cpuprofile` (`node --cpu-prof`): self time per
 * function (name, file:line) and per package or source folder, largest first, as JSON.
 *   npx tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
import fs from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** Where a script URL belongs: an npm package, a workspace source folder, or node itself. */
export function areaOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node:*';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(apps|packages)\/([^/]+)\/src\/(?:modules\/)?([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}/${src[3]}`;
  return url.replace(/^file:\/\//, '');
}

export function summarizeCpuProfile(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totalUs = profile.endTime - profile.startTime;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = f.url
      ? `${f.url.replace(/^.*\/(node_modules|apps|packages)\//, '$1/')}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = areaOf(f.url);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const ms = (us: number) => Math.round(us / 1000);
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ what: k, ms: ms(us), pct: +((100 * us) / totalUs).toFixed(1) }));
  return {
    wallMs: ms(totalUs),
    busyMs: ms(totalUs - idleUs),
    byArea: sorted(areas),
    byFunction: sorted(fns),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/lib/cpu-profile-summary.ts <file.cpuprofile> [top=25]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  console.log(JSON.stringify(summarizeCpuProfile(profile, Number(process.argv[3] ?? 25)), null, 2));
}
