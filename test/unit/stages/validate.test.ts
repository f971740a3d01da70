// The stage library's validate-stage helpers (components/stages.sh): expected_nodes, await_node_state — the wait for
// every node to reach a state, with the scheduler's own reader — and left_by_name, the wait stage's question for
// schedulers that list jobs by name. Run by bash with stand-in readers.
import { runBash } from './bash';

const NODES = 'c-n1 4 8192\nc-n2 4 8192\n';

describe('expected_nodes', () => {
  it('reads name, CPUs and memory per node, in order; memory may be absent', () => {
    const r = runBash(
      `expected_nodes; printf '%s|' "\${names[@]}" "\${want_cpus[c-n2]}" "\${want_mem[c-n1]}" "[\${want_mem[x-n3]}]"`,
      { EXPECTED_NODES: `${NODES}x-n3 2\n` },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('c-n1|c-n2|x-n3|4|8192|[]|');
  });
});

describe('await_node_state', () => {
  // The reader reports c-n2 idle only from its third call on (a count kept in a file: it runs in a condition).
  const READER = `
declare -A state
read_state() {
  local calls; calls=$(( $(cat "$COUNT" 2>/dev/null || echo 0) + 1 )); echo "$calls" >"$COUNT"
  state[c-n1]=idle
  if ((calls >= 3)); then state[c-n2]=idle; else state[c-n2]='down*'; fi
}`;

  it('returns once every node is in the state, asking the reader again until then', () => {
    const count = `/tmp/schedbench-await-${process.pid}-a`;
    const r = runBash(
      `${READER}\nexpected_nodes; await_node_state idle read_state state demo; echo ok; cat "$COUNT"; rm -f "$COUNT"`,
      {
        EXPECTED_NODES: NODES,
        VALIDATE_TIMEOUT: '30',
        COUNT: count,
      },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['ok', '3']);
  });

  it('past the bound, names the first node not in the state, what it is and what was expected', () => {
    const r = runBash(
      `declare -A state; read_state() { state[c-n1]=idle; }\nexpected_nodes; await_node_state idle read_state state demo; echo reached`,
      { EXPECTED_NODES: NODES, VALIDATE_TIMEOUT: '0' },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('demo validate: node c-n2 is absent, expected idle');
  });
});

describe('left_by_name', () => {
  const LISTER = `lister() { if [[ -n "\${BROKEN:-}" ]]; then echo 'noise'; echo 'Unable to contact slurm controller' >&2; return 1; fi
printf '11|run7-s0-0\\n12|other-s0-0\\n13|run7-s1-2\\n'; }`;

  it("adds the ids of the run's jobs (named JOB_PREFIX…) only", () => {
    const r = runBash(`${LISTER}\nleft=(); left_by_name demo '|' lister; echo "\${left[*]}"`, {
      JOB_PREFIX: 'run7-',
    });
    expect([r.status, r.stdout]).toEqual([0, '11 13\n']);
  });

  it('fails with the lister named and its last line when it fails', () => {
    const r = runBash(
      `${LISTER}\nleft=(); if left_by_name demo '|' lister; then echo answered; else echo "\${left_error}"; fi`,
      { JOB_PREFIX: 'run7-', BROKEN: '1' },
    );
    expect([r.status, r.stdout]).toEqual([0, 'demo: Unable to contact slurm controller\n']);
  });
});
