// The stage library's submit_jobs (components/stages.sh): the submit stage's frame every scheduler's submit.sh
// uses — the idle gap, each submission of the neutral plan at its time, the SubmitOutput — with a stand-in
// scheduler piece that records its arguments and prints ids.
import { renderPlan } from '../../../components/jobs/plan';
import type { JobSpec } from '../../../components/jobs/spec';
import { SubmitOutput } from '../../../components/schedulers/contract';
import { runBash } from './bash';

const SPECS: JobSpec[] = [
  {
    count: 3,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal' as const,
    cpus: 2,
    memoryMiB: 100,
    expectedSeconds: 3,
    kind: 'stress',
    args: ['--cpu', '2', '--timeout', '3s'],
    arrival: { offsetSeconds: 0, intervalSeconds: 0 },
  },
  {
    count: 2,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal' as const,
    cpus: 1,
    memoryMiB: 50,
    expectedSeconds: 1,
    kind: 'noop',
    args: [],
    arrival: { offsetSeconds: 0.05, intervalSeconds: 0.1 },
  },
];

/** A scheduler piece: logs its arguments (one line a call, to fd 3's file) and prints COPIES ids. */
const PIECE = `
piece() {
  printf '%s\\n' "$*" >>"$CALLS"
  local k
  for ((k = $2; k < $2 + $3; k++)); do printf 'id-%s%s\\n' "$1" "$k"; done
}`;

function submit(mode: string, piece = PIECE, call = 'piece') {
  const calls = `/tmp/schedbench-submit-${process.pid}-${mode}-${Math.random().toString(16).slice(2)}`;
  const r = runBash(`${piece}\nsubmit_jobs ${mode} ${call}`, {
    PLAN: renderPlan(SPECS, 2),
    JOB_PREFIX: 'sb-run-',
    IDLE_GAP_SECONDS: '0',
    CALLS: calls,
  });
  const log = runBash(`cat "$CALLS" 2>/dev/null; rm -f "$CALLS"`, { CALLS: calls }).stdout;
  return { r, calls: log.split('\n').filter((l) => l !== '') };
}

describe('submit_jobs', () => {
  it('burst: one call for the burst, one per trickling job; every job named, in arrival order', () => {
    const { r, calls } = submit('burst');
    expect([r.status, r.stderr]).toEqual([0, '']);
    const out = SubmitOutput.parse(JSON.parse(r.stdout));
    expect(out.jobs.map((j) => [j.id, j.specIndex, j.name])).toEqual([
      ['id-sb-run-s0-0', 0, 'sb-run-s0-0'],
      ['id-sb-run-s0-1', 0, 'sb-run-s0-1'],
      ['id-sb-run-s0-2', 0, 'sb-run-s0-2'],
      ['id-sb-run-s1-0', 1, 'sb-run-s1-0'],
      ['id-sb-run-s1-1', 1, 'sb-run-s1-1'],
    ]);
    // The piece gets the name prefix, the copies and the spec's plan fields (args as separate words).
    expect(calls[0]).toBe('sb-run-s0- 0 3 0 3 0 0 1 1 2 100 1 normal stress --cpu 2 --timeout 3s');
    expect(calls.slice(1)).toEqual([
      expect.stringMatching(/^sb-run-s1- 0 1 1 2 /),
      expect.stringMatching(/^sb-run-s1- 1 1 1 2 /),
    ]);
    // No copy goes before its time (0, 0.05 and 0.15 s after the window opens); a loaded machine may make one late.
    const opened = Date.parse(out.startedAt) / 1000;
    const offsets = out.jobs.map((j) => (j.submittedAt ?? 0) - opened);
    [0, 0, 0, 0.05, 0.15].forEach((due, k) => expect(offsets[k]).toBeGreaterThanOrEqual(due - 0.001));
  });

  it('each: one call per job', () => {
    const { r, calls } = submit('each');
    expect(r.status).toBe(0);
    expect(calls).toHaveLength(5);
    expect(calls.every((c) => / \d+ 1 \d /.test(c))).toBe(true);
  });

  it('a piece that returns fewer ids than copies fails the stage, naming the spec', () => {
    const { r } = submit('burst', `${PIECE}\nshort() { piece "$@" | tail -n +2; }`, 'short');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('submit of spec 0 returned 2 job id(s), expected 3');
    expect(r.stdout).toBe('');
  });

  it('a piece that fails stops the stage', () => {
    const { r } = submit(
      'burst',
      `${PIECE}\nbroken() { echo 'sbatch: error: invalid partition' >&2; return 1; }`,
      'broken',
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('invalid partition');
    expect(r.stdout).toBe('');
  });
});
