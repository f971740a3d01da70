// AnalysisReport under Pulumi mocks: one local command, values via the environment, outputs parsed from
// the JSON document the command prints.
import * as pulumi from '@pulumi/pulumi';

const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const STDOUT = JSON.stringify({
  reportPath: '/p/runs/analysis/local/report.html',
  outDir: '/p/runs/analysis/local',
  objectives: [{ metric: 'makespanSeconds', direction: 'min' }],
  front: [
    {
      key: '20260101T000000Z_0123456789ab/mixed/r1',
      runId: '20260101T000000Z_0123456789ab',
      stack: 'local',
      scheduler: 'slurm',
      profile: 'small',
      workload: 'mixed',
      repetition: 1,
      values: { makespanSeconds: 42 },
    },
  ],
  headline: {
    campaignId: 'C1',
    runs: 8,
    runsAveraged: 8,
    groups: 2,
    badFiles: 0,
    leftOut: { otherCampaigns: 5, otherStacks: 0, otherRunIds: 0 },
    frontSize: 1,
    verdicts: [
      {
        profile: 'small',
        workload: 'mixed',
        metric: 'makespanSeconds',
        ranking: ['slurm', 'flux'],
        pairs: ['slurm vs flux: slurm faster (p = 0.029); slurm 44 s vs flux 50 s (1.14×, 6 s less)'],
      },
    ],
    energySource: 'model',
  },
});

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      created.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state =
        args.type === 'command:local:Command'
          ? { ...args.inputs, stdout: `npm notice\n${STDOUT}\n` }
          : args.inputs;
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  },
  'schedbench',
  'local',
  false,
);

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

describe('AnalysisReport', () => {
  it('runs one analyze command with every value in its environment and exposes the parsed outputs', async () => {
    const { AnalysisReport } = await import('../../../analysis/component');
    const report = new AnalysisReport('local-analysis', {
      resultsDir: 'runs',
      runId: '20260101T000000Z_0123456789ab',
      stack: 'local',
      objectives: [{ metric: 'makespanSeconds', direction: 'min' }],
      power: { idleWatts: 100, maxWatts: 250 },
      projectDir: '/p',
      trigger: 'fixed',
    });
    expect(await value(report.reportPath)).toBe('/p/runs/analysis/local/report.html');
    expect((await value(report.front)).map((f) => f.values.makespanSeconds)).toEqual([42]);
    const headline = await value(report.headline);
    expect(headline.frontSize).toBe(1);
    // the stack output `report.headline` carries the per-workload verdicts, compact
    expect(headline.campaignId).toBe('C1');
    expect(headline.verdicts[0]?.pairs[0]).toMatch(/^slurm vs flux: slurm faster \(p = 0\.029\)/);

    const commands = created.filter((c) => c.type === 'command:local:Command');
    expect(commands).toHaveLength(1);
    const cmd = commands[0]?.inputs as {
      create: string;
      dir: string;
      environment: Record<string, string>;
      triggers: unknown[];
    };
    expect(created.some((c) => c.type === 'schedbench:analysis:Report' && c.name === 'local-analysis')).toBe(
      true,
    );
    expect(cmd.dir).toBe('/p');
    expect(cmd.environment).toEqual({
      SCHEDBENCH_RESULTS_DIR: 'runs',
      SCHEDBENCH_REPORT_DIR: 'runs/analysis/local',
      SCHEDBENCH_OBJECTIVES: '[{"metric":"makespanSeconds","direction":"min"}]',
      SCHEDBENCH_POWER: '{"idleWatts":100,"maxWatts":250}',
      SCHEDBENCH_STACK_FILTER: 'local',
      SCHEDBENCH_RUN_ID_FILTER: '20260101T000000Z_0123456789ab',
    });
    // No config value is spliced into the script text.
    expect(cmd.create).not.toMatch(/runs|local|makespan/);
    expect(cmd.create).toContain('schedbench analyze "$SCHEDBENCH_RESULTS_DIR"');
    expect(cmd.triggers).toEqual(['fixed', '20260101T000000Z_0123456789ab', 'stack']);
  });

  it('scope all analyses every stack under resultsDir', async () => {
    created.length = 0;
    const { AnalysisReport } = await import('../../../analysis/component');
    const report = new AnalysisReport('all-analysis', {
      resultsDir: '/r',
      runId: 'x',
      stack: 'local',
      scope: 'all',
    });
    await value(report.reportPath);
    const env = (
      created.find((c) => c.type === 'command:local:Command')?.inputs as {
        environment: Record<string, string>;
      }
    ).environment;
    expect(env.SCHEDBENCH_REPORT_DIR).toBe('/r/analysis/all');
    expect(env.SCHEDBENCH_STACK_FILTER).toBe('');
    expect(env.SCHEDBENCH_RUN_ID_FILTER).toBe('');
    expect(JSON.parse(env.SCHEDBENCH_OBJECTIVES ?? '[]')).toHaveLength(4);
  });
});
