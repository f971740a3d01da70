// The stage library's wait_for_jobs (components/stages.sh), run by bash with stand-in scheduler commands (shell
// functions over a jobs file): a wait that ends, one that times out and cancels, one whose scheduler stops
// answering, lost nodes, a blocking wait of the scheduler's own first. What it prints is the contract's WaitOutput.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { WaitOutput } from '../../../components/schedulers/contract';
import { runBash } from './bash';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-wait-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A scheduler whose queue is the file $DIR/jobs (one id per line); every question is counted in $DIR/asked. */
const SCHEDULER = String.raw`
stand_in_left() {
  echo x >>"$DIR/asked"
  if [[ -e "$DIR/down" ]]; then left_error="stand-in: $(<"$DIR/down")"; return 1; fi
  local id
  while read -r id; do [[ -z "$id" ]] || left+=("$id"); done <"$DIR/jobs"
}
stand_in_cancel() {
  printf '%s\n' "$@" >>"$DIR/cancelled"
  echo "cancel says this on stdout"
  [[ ! -e "$DIR/cancel-fails" ]] || return 1
  : >"$DIR/jobs"
}
`;

function wait(options: string, env: Record<string, string>, pre = '') {
  const r = runBash(
    `${SCHEDULER}\n${pre}\nwait_for_jobs --left stand_in_left --cancel stand_in_cancel ${options}`,
    { DIR: dir, POLL_SECONDS: '0.1', ...env },
  );
  return { ...r, output: r.status === 0 ? WaitOutput.parse(JSON.parse(r.stdout)) : null };
}

/** Bash's SECONDS ticks on whole wall-clock seconds: a wait of 1.2 s reads 1 or 2 (more on a loaded host). */
const about = (seconds: number) => ({
  asymmetricMatch: (w: unknown) => typeof w === 'number' && w >= seconds && w <= seconds + 2,
});

const asked = () => readFileSync(path.join(dir, 'asked'), 'utf8').split('\n').filter(Boolean).length;
const cancelled = () => readFileSync(path.join(dir, 'cancelled'), 'utf8').split('\n').filter(Boolean);

describe('wait_for_jobs', () => {
  it('a run already over ends at the first question', () => {
    writeFileSync(path.join(dir, 'jobs'), '');
    const r = wait('', { TIMEOUT_SECONDS: '30' });
    expect(r.stdout).toBe('{"timedOut":false,"waitedSeconds":0}\n');
    expect(asked()).toBe(1);
  });

  it('a wait that ends: polls (quickly at first) until the jobs are gone, prints the time waited', () => {
    writeFileSync(path.join(dir, 'jobs'), '11\n12\n');
    // The jobs end 1.2 s in: a background job of the script empties the queue.
    const r = wait('', { TIMEOUT_SECONDS: '30' }, '( sleep 1.2; : >"$DIR/jobs" ) &');
    expect(r.output).toEqual({ timedOut: false, waitedSeconds: about(1) });
    // 10, 20, 50 ms, then every POLL_SECONDS (0.1): about 4 + 11 questions, not one per 10 ms.
    expect(asked()).toBeGreaterThanOrEqual(5);
    expect(asked()).toBeLessThanOrEqual(20);
  });

  it('a wait that times out cancels what is left, once, and waits for it to go', () => {
    writeFileSync(path.join(dir, 'jobs'), '21\n22\n');
    const r = wait('--scheduler stand-in', { TIMEOUT_SECONDS: '1' });
    expect(r.output).toEqual({ timedOut: true, waitedSeconds: about(0), cancelled: ['21', '22'] });
    expect(cancelled()).toEqual(['21', '22']);
    expect(r.stderr).toContain('timeout after 1s: cancelling 2 job(s)');
    // The cancel's own stdout is a diagnostic, never mixed into the document.
    expect(r.stderr).toContain('cancel says this on stdout');
  });

  it('a cancel that fails is logged; the wait for the jobs to go is bounded (CANCEL_WAIT_SECONDS)', () => {
    writeFileSync(path.join(dir, 'jobs'), '31\n');
    writeFileSync(path.join(dir, 'cancel-fails'), '');
    const r = wait('', { TIMEOUT_SECONDS: '1', CANCEL_WAIT_SECONDS: '1' });
    expect(r.output).toMatchObject({ timedOut: true, cancelled: ['31'] });
    expect(r.output?.waitedSeconds).toEqual(about(1));
    expect(r.stderr).toContain('cancelling 31 failed');
    expect(r.stderr).toContain('jobs still left: 31');
  });

  it('a scheduler that stops answering: schedulerLost with its last error after CONTROLLER_GRACE_SECONDS', () => {
    writeFileSync(path.join(dir, 'jobs'), '41\n');
    writeFileSync(path.join(dir, 'down'), 'Unable to contact slurm controller (connect failure)');
    const r = wait('--scheduler slurmctld', { TIMEOUT_SECONDS: '30', CONTROLLER_GRACE_SECONDS: '1' });
    expect(r.output).toEqual({
      timedOut: false,
      waitedSeconds: about(1),
      schedulerLost: 'stand-in: Unable to contact slurm controller (connect failure)',
    });
    expect(r.stderr).toContain('slurmctld has not answered for 1s: stand-in: Unable to contact');
  });

  it('an unanswered question is not an empty queue, and an answer resets the grace', () => {
    writeFileSync(path.join(dir, 'jobs'), '51\n');
    writeFileSync(path.join(dir, 'down'), 'busy');
    // Down for 0.6 s, up for 0.6 s (the job still there), down for 0.6 s, then up and done: never 1 s in a row.
    const r = wait(
      '',
      { TIMEOUT_SECONDS: '30', CONTROLLER_GRACE_SECONDS: '1' },
      `( sleep 0.6; rm "$DIR/down"; sleep 0.6; echo busy >"$DIR/down"; sleep 0.6; rm "$DIR/down"; : >"$DIR/jobs" ) &`,
    );
    expect(r.output).toMatchObject({ timedOut: false });
    expect(r.output?.schedulerLost).toBeUndefined();
  });

  it('lost nodes: when every job left can never finish, it stops with the nodes', () => {
    writeFileSync(path.join(dir, 'jobs'), '61\n62\n');
    const pre = `stranded() { printf '%s\\n' "$@" >"$DIR/asked-lost"; lost=(n2 n3); }`;
    const r = wait('--lost-nodes stranded', { TIMEOUT_SECONDS: '30', NODE_CHECK_SECONDS: '1' }, pre);
    expect(r.output).toEqual({ timedOut: false, waitedSeconds: about(1), lostNodes: ['n2', 'n3'] });
    expect(readFileSync(path.join(dir, 'asked-lost'), 'utf8')).toBe('61\n62\n');
  });

  it('lost nodes: a check that finds some job can still finish lets the wait go on', () => {
    writeFileSync(path.join(dir, 'jobs'), '71\n');
    const r = wait(
      '--lost-nodes not_stranded',
      { TIMEOUT_SECONDS: '2', NODE_CHECK_SECONDS: '1' },
      'not_stranded() { return 1; }',
    );
    expect(r.output).toEqual({ timedOut: true, waitedSeconds: about(1), cancelled: ['71'] });
  });

  it("a blocking wait of the scheduler's own runs first, given the bound; its time counts", () => {
    writeFileSync(path.join(dir, 'jobs'), '81\n');
    const pre = `block() { echo "$1" >"$DIR/before"; sleep 1; : >"$DIR/jobs"; return 3; }`;
    const r = wait('--before block', { TIMEOUT_SECONDS: '17' }, pre);
    expect(r.output).toEqual({ timedOut: false, waitedSeconds: about(1) });
    expect(readFileSync(path.join(dir, 'before'), 'utf8')).toBe('17\n');
    expect(asked()).toBe(1);
  });

  it("its commands see the script's variables, not the library's (bash scopes dynamically)", () => {
    writeFileSync(path.join(dir, 'jobs'), '91\n');
    const pre = `poll=mine grace=mine who=mine deadline=mine t0=mine
check_globals() { echo "$poll $grace $who $deadline $t0" >>"$DIR/seen"; }
stand_in_cancel() { check_globals; : >"$DIR/jobs"; }`;
    const r = wait('--before check_globals', { TIMEOUT_SECONDS: '1' }, pre);
    expect(r.output).toMatchObject({ timedOut: true, cancelled: ['91'] });
    expect(readFileSync(path.join(dir, 'seen'), 'utf8')).toBe(
      'mine mine mine mine mine\nmine mine mine mine mine\n',
    );
  });

  it('refuses what it cannot use, saying what', () => {
    writeFileSync(path.join(dir, 'jobs'), '');
    expect(wait('--unknown x', { TIMEOUT_SECONDS: '1' }).stderr).toContain("unknown option '--unknown'");
    expect(wait('', { TIMEOUT_SECONDS: '1.5' }).stderr).toContain(
      "TIMEOUT_SECONDS must be whole seconds, got '1.5'",
    );
    expect(wait('', { TIMEOUT_SECONDS: '1', POLL_SECONDS: 'often' }).stderr).toContain(
      'POLL_SECONDS must be',
    );
    const none = runBash('wait_for_jobs --cancel true', { TIMEOUT_SECONDS: '1' });
    expect([none.status, none.stderr]).toEqual([
      2,
      expect.stringContaining('--left and --cancel are required'),
    ]);
  });
});
