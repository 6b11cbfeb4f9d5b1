/** One agent the auto-assigner may pick: how much they carry and when they last got one. */
export type Candidate = {
  userId: string;
  /** Open and pending conversations assigned to them now. */
  load: number;
  capacity: number;
  lastAssignedAt: number | null;
};

export type AutoAssignMode = 'round_robin' | 'least_busy';

/**
 * The agent the next conversation goes to, or null when nobody has room. Round-robin: among those
 * below capacity, the one assigned longest ago (never assigned first). Least-busy: the one with the
 * fewest open conversations, then the one assigned longest ago. Ties end at the user id, so the
 * choice is deterministic.
 */
export function chooseAgent(mode: AutoAssignMode, candidates: readonly Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (c.load >= c.capacity) continue;
    if (!best || better(mode, c, best)) best = c;
  }
  return best;
}

function better(mode: AutoAssignMode, a: Candidate, b: Candidate): boolean {
  if (mode === 'least_busy' && a.load !== b.load) return a.load < b.load;
  const at = a.lastAssignedAt ?? -1;
  const bt = b.lastAssignedAt ?? -1;
  if (at !== bt) return at < bt;
  return a.userId < b.userId;
}
