// What the benches share: a stack of the test/bench program (test/fixtures/program — the product's own
// wiring) on netns nodes, brought up and destroyed through the local runner exactly as users run it, with the
// wall time of each operation. Needs root.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { parseRunResult } from '../../results/read';
import type { RunResult } from '../../results/schema';
import type { ExtraRun } from '../../test/fixtures/program/extra';
import { REPO, runRunner } from '../../test/helpers/runner';

/** A number of jobs over a time: the figure every throughput bench prints. */
export interface Rate {
  seconds: number;
  jobsPerSecond: number;
}

export const rate = (jobs: number, seconds: number): Rate => ({ seconds, jobsPerSecond: jobs / seconds });

/** The host's load averages (1, 5, 15 min), printed beside every figure measured on a shared machine. */
export const loadAverages = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export const PROGRAM = path.join(REPO, 'test', 'fixtures', 'program');

export type { ExtraRun };

export interface BenchStack {
  stack: string;
  resultsDir: string;
  /** Rewrites the stack file: `config` are `schedbench:*` keys (without the namespace). */
  configure(config: Record<string, unknown>, extraRuns?: ExtraRun[], catalog?: boolean): void;
  /** `up` through the runner; returns its wall time (s) and the run id. */
  up(): { seconds: number; runId: string };
  /** As `up`, also returning the runner's log. */
  upWithLog(): { seconds: number; runId: string; stdout: string };
  /** `destroy` through the runner; its wall time (s). */
  destroy(): number;
  /** The RunResult of `<workload>-r1`. */
  result(runId: string, workload: string): RunResult;
  /** The RunResult of a run by its name (`<workload>-r<N>`). */
  resultOf(runId: string, run: string): RunResult;
}

export function benchStack(stack: string): BenchStack {
  const dir = path.join(REPO, 'test-artifacts', `bench-${stack}`);
  const configFile = path.join(dir, `Pulumi.${stack}.yaml`);
  const resultsDir = path.join(dir, 'runs');
  const timed = (op: 'up' | 'destroy') => {
    const t0 = Date.now();
    const r = runRunner(op, stack, PROGRAM, configFile);
    if (r.status !== 0) throw new Error(`${op} of ${stack} failed:\n${r.stdout}\n${r.stderr}`);
    return { seconds: (Date.now() - t0) / 1000, stdout: r.stdout };
  };
  return {
    stack,
    resultsDir,
    configure(config, extraRuns = [], catalog = true) {
      mkdirSync(dir, { recursive: true });
      const namespaced = Object.fromEntries(Object.entries(config).map(([k, v]) => [`schedbench:${k}`, v]));
      writeFileSync(
        configFile,
        stringify({
          config: {
            'schedbench:backend': { type: 'netns' },
            'schedbench:resultsDir': resultsDir,
            ...namespaced,
            'e2e:extraRuns': extraRuns,
            'e2e:catalog': catalog,
          },
        }),
      );
    },
    up() {
      const { seconds, runId } = this.upWithLog();
      return { seconds, runId };
    },
    upWithLog() {
      const { seconds, stdout } = timed('up');
      return { seconds, stdout, runId: /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(stdout)?.[1] ?? '' };
    },
    destroy() {
      const { seconds } = timed('destroy');
      rmSync(path.join(PROGRAM, '.schedbench', 'state', `${stack}.json`), { force: true });
      return seconds;
    },
    result(runId, workload) {
      return this.resultOf(runId, `${workload}-r1`);
    },
    resultOf(runId, run) {
      const file = path.join(resultsDir, runId, stack, `${run}.json`);
      return parseRunResult(JSON.parse(readFileSync(file, 'utf8')));
    },
  };
}

/** A profile of `nodes` netns nodes of 2 vCPUs and 2 GiB: small enough for a 2-core machine. */
export function benchProfile(nodes: number): Record<string, unknown> {
  return { profile: 'bench', profiles: { bench: { nodes, vcpus: 2, memoryGiB: 2 } } };
}
