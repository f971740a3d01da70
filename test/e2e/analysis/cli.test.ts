// The analysis CLI as a user runs it (`npx schedbench …` through bin/schedbench.js): pareto on a CSV,
// metrics on one RunResult, analyze on a generated campaign.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeCampaign } from '../../helpers/sim';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', '..', 'bin', 'schedbench.js');
const schedbench = (...args: string[]) =>
  run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schedbench-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schedbench pareto', () => {
  const csv = () => {
    const path = join(dir, 'table.csv');
    // time min, quality max; row 3 duplicates row 0; row 2 is dominated by row 1; notes is ignored
    writeFileSync(
      path,
      'name,time,quality,notes\na,1,5,x\nb,2,9,y\nc,3,8,"z, with comma"\nd,1,5,w\ne,0.5,1,v\n',
    );
    return path;
  };

  it('prints the front row indices as a JSON array', async () => {
    const { stdout } = await schedbench(
      'pareto',
      csv(),
      '--objective',
      'time:min',
      '--objective',
      'quality:max',
    );
    expect(stdout).toBe('[0,1,3,4]\n');
  });

  it('prints every row’s front rank with --ranks', async () => {
    const { stdout } = await schedbench(
      'pareto',
      csv(),
      '--objective',
      'time:min',
      '--objective',
      'quality:max',
      '--ranks',
    );
    expect(JSON.parse(stdout)).toEqual([0, 0, 1, 0, 0]);
  });

  it('names the row of a missing value and fails', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'time,quality\n1,2\n3,\n');
    await expect(
      schedbench('pareto', path, '--objective', 'time:min', '--objective', 'quality:max'),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("data row 1 (line 3): column 'quality' is empty"),
    });
  });
});

describe('schedbench analyze and metrics', () => {
  it('writes every output, prints the table, and agrees with `pareto` on metrics.csv', async () => {
    const written = writeCampaign(join(dir, 'runs'), { repetitions: 2, jobsPerRun: 6 });
    writeFileSync(join(dir, 'runs', 'junk.json'), '{"runId": "nope"}');
    const out = join(dir, 'out');
    const { stdout, stderr } = await schedbench('analyze', join(dir, 'runs'), '--out', out);
    expect(stdout).toMatch(/^scheduler\s+profile\s+workload/);
    expect(stdout).toContain('wrote');
    expect(stderr).toContain(`skipped ${join(dir, 'runs', 'junk.json')}: not a valid RunResult`);

    const metricsCsv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(metricsCsv).toHaveLength(written.length + 1);
    expect(metricsCsv[0]).toMatch(/^key,runId,stack,scheduler,/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { groups: unknown[] };
    expect(summary.groups).toHaveLength(12);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[0]).toBe(
      'scheduler,profile,workload,metric,unit,count,mean,std,min,max,median,ci95Low,ci95High,ciMethod,note,runsExcluded,energySource',
    );
    const pareto = JSON.parse(readFileSync(join(out, 'pareto.json'), 'utf8')) as {
      front: { key: string }[];
      droppedObjectives: { metric: string }[];
    };
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);

    // The front is made of the ok runs that have every objective (a run without energy — no source, no model —
    // is left out of it): `pareto` on those rows of metrics.csv must find the same front.
    const objectives = [
      'makespanSeconds:min',
      'waitMeanSeconds:min',
      'utilisationAllocated:max',
      'energyJoules:min',
    ].filter((o) => !pareto.droppedObjectives.some((d) => o.startsWith(`${d.metric}:`)));
    const header = (metricsCsv[0] ?? '').split(',');
    const col = (name: string) => header.indexOf(name);
    const eligible = metricsCsv
      .slice(1)
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        const cells = line.split(',');
        return (
          cells[col('status')] === 'ok' &&
          objectives.every((o) => (cells[col(o.split(':')[0] ?? '')] ?? '') !== '')
        );
      });
    const eligibleCsv = join(out, 'eligible.csv');
    writeFileSync(eligibleCsv, `${[metricsCsv[0], ...eligible].join('\n')}\n`);
    const res = await schedbench('pareto', eligibleCsv, ...objectives.flatMap((o) => ['--objective', o]));
    const keys = eligible.map((line) => line.split(',')[0]);
    expect((JSON.parse(res.stdout) as number[]).map((i) => keys[i])).toEqual(pareto.front.map((f) => f.key));
  });

  it('--json prints one document for the post-deploy step; filters by stack', async () => {
    const { stdout } = await schedbench(
      'analyze',
      join(dir, 'runs'),
      '--out',
      join(dir, 'out-json'),
      '--stack',
      'slurm-small',
      '--json',
    );
    const doc = JSON.parse(stdout) as {
      reportPath: string;
      headline: { runs: number };
      front: { stack: string }[];
    };
    expect(doc.reportPath).toBe(join(dir, 'out-json', 'report.html'));
    expect(doc.headline.runs).toBe(4);
    expect(doc.front.every((f) => f.stack === 'slurm-small')).toBe(true);
  });

  it('--campaign analyses one campaign, counts the rest as left out, and ends with the verdicts and the report', async () => {
    const shared = join(dir, 'shared');
    const mine = writeCampaign(shared, {
      repetitions: 4,
      jobsPerRun: 4,
      workloads: ['mixed'],
      campaignId: 'C-e2e',
    });
    const others = writeCampaign(shared, {
      repetitions: 1,
      jobsPerRun: 4,
      workloads: ['mixed'],
      campaignId: 'C-old',
    });
    const out = join(dir, 'out-campaign');
    const { stdout } = await schedbench('analyze', shared, '--out', out, '--campaign', 'C-e2e');
    expect(stdout).toContain(
      `campaign C-e2e: ${mine.length} runs read, ${mine.length} averaged; ${others.length} results of other campaigns left out`,
    );
    // 4 repetitions each: every pair of the three schedulers is tested, per profile
    expect(stdout).toMatch(/best first: /);
    expect(stdout).toMatch(/(faster|not significant) \(p [=<] [\d.]+\)/);
    expect(stdout.trimEnd().split('\n').pop()).toBe(`report: ${join(out, 'report.html')}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      scope: { campaignId: string };
      verdicts: unknown[];
    };
    expect(summary.scope.campaignId).toBe('C-e2e');
    expect(summary.verdicts).toHaveLength(2); // small and medium × mixed

    await expect(
      schedbench('analyze', shared, '--out', join(dir, 'out-none'), '--campaign', 'C-nope'),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `no result of campaign 'C-nope' under ${shared}; campaigns found (newest first): `,
      ),
    });
  });

  it('metrics prints one run as JSON', async () => {
    const [first] = writeCampaign(join(dir, 'one'), {
      schedulers: ['slurm'],
      profiles: [{ name: 'small', nodes: 2, vcpus: 4 }],
      workloads: ['mixed'],
      repetitions: 1,
    });
    const { stdout } = await schedbench('metrics', first?.path ?? '');
    const m = JSON.parse(stdout) as Record<string, unknown>;
    expect(m.makespanSeconds).toBeCloseTo(first?.answer.makespanSeconds ?? NaN, 3);
    // simulated SLURM nodes have no energy source and no model is given: not measured
    expect(m.energySource).toBe('none');
    expect(m.energyJoules).toBeNull();
    expect(Array.isArray(m.perNode)).toBe(true);
  });
});
