// The idle gap counts from when the run's samplers started (IDLE_FROM, by the submitting node's clock): the
// prelude's idle_gap_deadline, and how the run loop reads the start time from the scheduler sampler's output.
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { PRELUDE } from '../../../components/script';
import { samplerStartedAt } from '../../../workloads/run';

/** IDLE_UNTIL_US as the prelude computes it, with NOW_US read just before and after. */
function deadline(env: Record<string, string>): { before: number; until: number; after: number } {
  const script = `${readFileSync(PRELUDE, 'utf8')}
now_us; b=$NOW_US; idle_gap_deadline; now_us; printf '%s %s %s' "$b" "$IDLE_UNTIL_US" "$NOW_US"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  const [before, until, after] = r.stdout.split(' ').map(Number);
  return { before: before ?? NaN, until: until ?? NaN, after: after ?? NaN };
}

describe('idle_gap_deadline', () => {
  it('counts the gap from IDLE_FROM when given', () => {
    const from = Date.now() / 1000 - 1.5;
    const d = deadline({ IDLE_GAP_SECONDS: '2', IDLE_FROM: from.toFixed(6) });
    expect(d.until).toBe(Math.round(Number(from.toFixed(6)) * 1e6) + 2_000_000);
  });

  it('counts from now without IDLE_FROM, or when IDLE_FROM is not a time or lies ahead of this clock', () => {
    const cases: Record<string, string>[] = [
      {},
      { IDLE_FROM: '' },
      { IDLE_FROM: 'soon' },
      { IDLE_FROM: String(Date.now() / 1000 + 60) },
    ];
    for (const env of cases) {
      const d = deadline({ IDLE_GAP_SECONDS: '0.5', ...env });
      expect(d.until).toBeGreaterThanOrEqual(d.before + 500_000);
      expect(d.until).toBeLessThanOrEqual(d.after + 500_000);
    }
  });
});

describe('samplerStartedAt', () => {
  it('passes on the start time a sampler printed, and nothing otherwise', () => {
    expect(samplerStartedAt('{"pid":12,"startedAt":1796072075.432193}')).toBe('1796072075.432193');
    expect(samplerStartedAt('{"pid":12,"running":true}')).toBe('');
    expect(samplerStartedAt('{"skipped":true}')).toBe('');
    expect(samplerStartedAt('not json')).toBe('');
  });
});
