import { filterPattern, parseTime, progressBar } from '../../scripts/ops/replay';
import { parseArgs } from '../../scripts/ops/cli';

// The pure parts of `npm run ops -- replay`: times, the filter's event pattern, the progress bar, the arguments.

describe('ops replay helpers', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');

  it('reads times as ISO 8601, epoch ms, now, and -15m / -2h / -1d ago', () => {
    expect(parseTime('2024-01-15T00:00:00Z', now).toISOString()).toBe('2024-01-15T00:00:00.000Z');
    expect(parseTime(String(now), now).getTime()).toBe(now);
    expect(parseTime('now', now).getTime()).toBe(now);
    expect(parseTime('-15m', now).toISOString()).toBe('2026-12-03T11:45:00.000Z');
    expect(parseTime('-2h', now).toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(parseTime('-1d', now).toISOString()).toBe('2026-12-02T12:00:00.000Z');
    expect(() => parseTime('-2w', now)).toThrow('"-2w" is not a time');
  });

  it('turns filters into one event pattern (none without filters)', () => {
    expect(filterPattern({})).toBeUndefined();
    expect(filterPattern({ detailTypes: ['A', 'B'], sources: ['s'], correlationId: 'c-1' })).toEqual({ 'detail-type': ['A', 'B'], source: ['s'], detail: { metadata: { correlationId: ['c-1'] } } });
  });

  it('draws progress as the share of the window replayed so far', () => {
    const window = { EventStartTime: new Date(0), EventEndTime: new Date(1000) };
    expect(progressBar({ ...window, State: 'STARTING' }, 10)).toBe('[----------]   0% STARTING');
    expect(progressBar({ ...window, State: 'RUNNING', EventLastReplayedTime: new Date(500) }, 10)).toBe('[#####-----]  50% RUNNING');
    expect(progressBar({ ...window, State: 'COMPLETED', EventLastReplayedTime: new Date(700) }, 10)).toBe('[##########] 100% COMPLETED');
  });

  it('parses repeatable options, flags and --key=value', () => {
    const args = parseArgs(['replay', 'start', '--detail-type', 'A', '--detail-type=B', '--yes', '--start', '-1h']);
    expect(args.positionals).toEqual(['replay', 'start']);
    expect(args.options.get('detail-type')).toEqual(['A', 'B']);
    expect(args.options.get('start')).toEqual(['-1h']);
    expect([...args.flags]).toEqual(['yes']);
  });
});
