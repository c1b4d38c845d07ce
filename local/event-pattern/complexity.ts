// EventBridge rejects rules whose wildcards could make matching slow ("Rule is too
// complex"). aws/event-ruler measures that as the largest number of wildcard-pattern
// prefixes one input value can match at once (MachineComplexityEvaluator); this computes
// the same measure by simulating the patterns' automaton over every reachable state set.
import type { Wildcard } from './wildcard';

const STAR = -1;
// Exploring more state sets than this means the patterns are far too complex anyway.
const MAX_STATE_SETS = 20_000;

const encoder = new TextEncoder();

// A pattern as the matcher stores it: UTF-8 bytes of the quoted value, stars as STAR.
function tokens(wildcard: Wildcard, quoted: boolean): number[] {
  const out: number[] = quoted ? [0x22] : [];
  wildcard.segments.forEach((segment, i) => {
    if (i > 0) out.push(STAR);
    out.push(...encoder.encode(segment));
  });
  if (quoted) out.push(0x22);
  return out;
}

/**
 * The complexity of a set of wildcard patterns on one field, capped at `limit`.
 * `quoted` false measures raw values (as event-ruler's own unit tests do).
 */
export function wildcardComplexity(wildcards: readonly Wildcard[], limit: number, quoted = true): number {
  const patterns = wildcards.map((w) => tokens(w, quoted));
  const offsets: number[] = [];
  const owner: number[] = [];
  const position: number[] = [];
  patterns.forEach((p, index) => {
    offsets.push(owner.length);
    for (let i = 0; i <= p.length; i += 1) {
      owner.push(index);
      position.push(i);
    }
  });
  const tokenAt = (state: number): number | undefined => patterns[owner[state] ?? 0]?.[position[state] ?? 0];
  const isStarState = (state: number): boolean => (position[state] ?? 0) > 0 && tokenAt(state - 1) === STAR;

  // A state before a star also stands in the star's state (the star matching nothing).
  const close = (states: Set<number>): number[] => {
    for (const s of [...states]) if (tokenAt(s) === STAR) states.add(s + 1);
    return [...states].sort((a, b) => a - b);
  };
  const alphabet = new Set<number>(patterns.flat().filter((t) => t !== STAR));
  for (let b = 0; b < 256; b += 1) {
    if (!alphabet.has(b)) {
      alphabet.add(b); // one byte no pattern names, standing for all such bytes
      break;
    }
  }

  const start = close(new Set(offsets));
  const seen = new Set<string>([start.join(',')]);
  const queue: number[][] = [start];
  let max = 0;
  while (queue.length > 0) {
    const current = queue.shift() as number[];
    for (const byte of alphabet) {
      const next = new Set<number>();
      for (const s of current) {
        if (isStarState(s)) next.add(s);
        if (tokenAt(s) === byte) next.add(s + 1);
      }
      if (next.size === 0) continue;
      const closed = close(next);
      max = Math.max(max, closed.length);
      if (max >= limit) return limit;
      const key = closed.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_STATE_SETS) return limit;
      seen.add(key);
      queue.push(closed);
    }
  }
  return max;
}
