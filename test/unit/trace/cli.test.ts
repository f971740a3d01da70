// `schedbench trace generate` and `trace info` as a user runs them (the commander program, in process): the same
// seed gives the same log on stdout; a generated .swf.gz passes `trace info`, with the profile from the built-in
// ones or a stack file and a replay's duration at a scale; bad options are refused by name.
import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { registerTrace } from '../../../cli/commands/trace';
import { parseSwf } from '../../../workloads/trace/swf';

/** Run `schedbench trace …` and return what it wrote to stdout. */
async function schedbench(args: string[]): Promise<string> {
  const program = new Command('schedbench').exitOverride();
  registerTrace(program);
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'schedbench', 'trace', ...args]);
  } finally {
    write.mockRestore();
  }
  return out.join('');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-trace-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schedbench trace generate', () => {
  it('writes an SWF log to stdout: the same seed, the same log; another seed, another', async () => {
    const a = await schedbench(['generate', '--jobs', '40', '--nodes', '16', '--seed', '5']);
    expect(await schedbench(['generate', '--jobs', '40', '--nodes', '16', '--seed', '5'])).toBe(a);
    expect(await schedbench(['generate', '--jobs', '40', '--nodes', '16', '--seed', '6'])).not.toBe(a);
    const log = parseSwf(a);
    expect(log.jobs).toHaveLength(40);
    expect(log.header.values.Seed).toEqual(['5']);
    expect(log.header.numbers.MaxProcs).toBe(16);
  });

  it('refuses options that are not counts, naming them', async () => {
    await expect(schedbench(['generate', '--jobs', 'many', '--nodes', '0', '--seed', '1'])).rejects.toThrow(
      /trace generate: --jobs: .*; --nodes: /,
    );
  });
});

describe('schedbench trace info', () => {
  it('describes a generated .swf.gz, with its load on a built-in profile and a replay at 1/600', async () => {
    const file = path.join(dir, 'lf.swf.gz');
    expect(
      await schedbench(['generate', '--jobs', '500', '--nodes', '64', '--seed', '3', '--out', file]),
    ).toBe('');
    const text = await schedbench(['info', file, '--profile', 'medium', '--scale', '1/600']);
    expect(text).toContain(
      'machine   Lublin-Feitelson model, synthetic (schedbench trace generate): 64 processors',
    );
    expect(text).toContain('jobs      500 of 500 records; none skipped');
    expect(text).toMatch(/\nsize {6}processors: min 1, .*max (32|64);/);
    expect(text).toMatch(/\nload {6}\d+\.\d\d on its machine \(64 processors\)/);
    expect(text).toMatch(
      /\nprofile {3}medium: 3 nodes × 8 vCPUs = 24 CPUs; .* × 24\/64, .*offered load \d+\.\d\d/,
    );
    expect(text).toMatch(/\nreplay {4}at scale 1\/600: arrivals over .*; at least .* to the last job's end/);
  });

  it('takes the profile from a stack file, its own unless --profile names another', async () => {
    const file = path.join(dir, 'small.swf');
    await schedbench(['generate', '--jobs', '50', '--nodes', '8', '--seed', '1', '--out', file]);
    const stackFile = path.join(dir, 'Pulumi.tracetest.yaml');
    writeFileSync(
      stackFile,
      [
        'config:',
        '  schedbench:scheduler: slurm',
        '  schedbench:backend: { type: netns }',
        '  schedbench:profile: tiny',
        '  schedbench:profiles:',
        '    tiny: { nodes: 1, vcpus: 2, memoryGiB: 1 }',
        '    wide: { nodes: 4, vcpus: 4, memoryGiB: 1 }',
        '',
      ].join('\n'),
    );
    expect(await schedbench(['info', file, '--stack-file', stackFile])).toContain(
      'profile   tiny: 1 node × 2 vCPUs = 2 CPUs',
    );
    expect(await schedbench(['info', file, '--stack-file', stackFile, '--profile', 'wide'])).toContain(
      'profile   wide: 4 nodes × 4 vCPUs = 16 CPUs',
    );
    await expect(schedbench(['info', file, '--stack-file', stackFile, '--profile', 'small'])).rejects.toThrow(
      'trace info: no profile small; allowed: tiny, wide',
    );
  });

  it('refuses a scale that is not a positive number or fraction, and a malformed log by line and field', async () => {
    const file = path.join(dir, 'bad.swf');
    writeFileSync(file, '; MaxProcs: 4\n1 0 -1 10 2 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n2 5 -1 10 two\n');
    await expect(schedbench(['info', file, '--scale', '0'])).rejects.toThrow(
      'trace info: --scale: must be above 0',
    );
    await expect(schedbench(['info', file, '--scale', 'fast'])).rejects.toThrow(/--scale: a positive number/);
    await expect(schedbench(['info', file])).rejects.toThrow(
      `${file}:3: field 5 (allocated processors): "two"`,
    );
  });
});
