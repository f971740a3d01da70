// The Tracking component under Pulumi mocks: one command per workload run, after that run's last stage and after
// the previous tracking command; one for the report after the analysis; every value in the environment.
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
import * as settings from '@pulumi/pulumi/runtime/settings';
import type { RegisterRequest } from '../../../cli/runner/engine';
import { Tracking } from '../../../components/tracking/component';

interface Registered {
  type: string;
  name: string;
  parent: string;
  dependencies: string[];
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
const pending = new Map<string, Omit<Registered, 'inputs'>>();

class RecordingMonitor extends MockMonitor {
  registerResource(req: RegisterRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
    pending.set(req.getName(), {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
    });
    return super.registerResource(req, callback);
  }
}

const stdoutFor = (name: string) =>
  JSON.stringify(
    name.endsWith('-report')
      ? { status: 'queued', reason: 'down', seconds: 0.1 }
      : {
          status: 'sent',
          action: 'created',
          mlflowRunId: `id-${name}`,
          runKey: name,
          warnings: [],
          seconds: 0.2,
        },
  );

beforeAll(async () => {
  const monitor = new RecordingMonitor({
    newResource: (args) => {
      const meta = pending.get(args.name);
      if (meta !== undefined) registered.push({ ...meta, inputs: args.inputs as Record<string, unknown> });
      return { id: `${args.name}-id`, state: { ...args.inputs, stdout: stdoutFor(args.name), stderr: '' } };
    },
    call: (args) => args.inputs as Record<string, unknown>,
  });
  await pulumi.runtime.setMocks(
    { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) },
    'schedbench',
    'trkunit',
    false,
  );
  settings.setMockOptions(monitor, 'schedbench', 'trkunit', false);
});

class Step extends pulumi.CustomResource {
  constructor(name: string) {
    super('test:index:Step', name, {});
  }
}
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const byName = (name: string) => {
  const r = registered.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no ${name}; have ${registered.map((x) => x.name).join(', ')}`);
  return r;
};
const urnOf = (name: string) => (d: string) => d.endsWith(`::${name}`);

describe('Tracking', () => {
  let tracking: Tracking;
  beforeAll(async () => {
    const runs = [1, 2, 3].map((i) => ({
      resultPath: pulumi.output(`/r/run-${i}.json`),
      done: new Step(`write-${i}`),
    }));
    const analysis = new Step('analyze');
    tracking = new Tracking('trk', {
      uri: 'http://127.0.0.1:5000',
      experiment: 'unit',
      runs,
      resultsDir: '/r',
      stack: 'trkunit',
      runId: '20261126T080000Z_0123456789ab',
      report: { reportPath: pulumi.output('/r/analysis/trkunit/report.html'), command: analysis },
    });
    await valueOf(tracking.report);
  });

  it('sends each run after it is written and after the previous run was sent', () => {
    for (const i of [1, 2, 3]) {
      const cmd = byName(`trk-run-${i}`);
      expect(cmd.type).toBe('command:local:Command');
      expect(cmd.parent).toContain('schedbench:tracking:Tracking::trk');
      expect(cmd.dependencies.some(urnOf(`write-${i}`))).toBe(true);
      if (i > 1) expect(cmd.dependencies.some(urnOf(`trk-run-${i - 1}`))).toBe(true);
    }
  });

  it('attaches the report after the analysis and the last run', () => {
    const report = byName('trk-report');
    expect(report.dependencies.some(urnOf('analyze'))).toBe(true);
    expect(report.dependencies.some(urnOf('trk-run-3'))).toBe(true);
    const env = report.inputs.environment as Record<string, string>;
    expect(env).toMatchObject({
      REPORT_PATH: '/r/analysis/trkunit/report.html',
      STACK: 'trkunit',
      RUN_ID: '20261126T080000Z_0123456789ab',
    });
  });

  it('passes every value in the environment, none in the command text', () => {
    const cmd = byName('trk-run-2');
    expect(cmd.inputs.create).toBe('node --import "$SCHEDBENCH_TS_LOADER" "$SCHEDBENCH_TRACKER" run');
    expect(cmd.inputs.environment).toMatchObject({
      RESULT_PATH: '/r/run-2.json',
      SCHEDBENCH_TRACKING_URI: 'http://127.0.0.1:5000',
      SCHEDBENCH_TRACKING_EXPERIMENT: 'unit',
      SCHEDBENCH_TRACKING_QUEUE: '/r/.tracking-queue',
    });
  });

  it('exposes what each send did', async () => {
    expect((await valueOf(tracking.runs)).map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    expect(await valueOf(tracking.report)).toMatchObject({ status: 'queued' });
  });
});
