// Campaign planning: the scheduler × profile matrix in order, one stack and cluster per step, unavailable
// schedulers skipped with the registry's reason, one campaign id in every step.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { campaignIdFor, planCampaign } from '../../../components/config/campaign';
import { FLUX_PREFIX_ENV } from '../../../components/flux/options';
import { loadConfig } from '../../../components/config/parse';
import { renderMatrix } from '../../../cli/commands/campaign';
import { schedulerAvailability } from '../../../components/schedulers/registry';
import { thisHost } from '../../../components/nodes/host-facts';
import { kubernetesAvailability } from '../../../components/kubernetes/availability';

const raw = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
  'schedbench:schedulerOrder': ['flux', 'slurm'],
  'schedbench:autoTeardown': true,
};

describe('planCampaign', () => {
  it('follows schedulerOrder, one stack and cluster per scheduler when every workload runs on one profile', () => {
    const steps = planCampaign(loadConfig(raw, 'lab'), raw, 'C1');
    expect(steps.map((s) => [s.scheduler, s.profile, s.stack, s.teardown])).toEqual([
      ['flux', 'small', 'lab-flux-small', true],
      ['slurm', 'small', 'lab-slurm-small', true],
    ]);
    expect(steps[1]?.available).toBe(true);
    const flux = schedulerAvailability(
      loadConfig(steps[0]?.config ?? {}, steps[0]?.stack ?? 'x'),
      thisHost(),
    );
    expect(steps[0]?.available).toBe(flux.available);
    if (!flux.available) expect(steps[0]?.reason).toBe(flux.reason);
    const slurm = steps[1];
    if (slurm === undefined) throw new Error('no slurm step');
    expect(slurm.config['schedbench:campaignId']).toBe('C1');
    const cfg = loadConfig(slurm.config, slurm.stack);
    expect([cfg.scheduler, cfg.clusterName, cfg.campaignId]).toEqual(['slurm', 'lab-slurm-small', 'C1']);
  });

  it('the perlmutter stack file: slurm/medium, slurm/large, then kubernetes and flux the same', () => {
    const file = path.join(__dirname, '../../../Pulumi.perlmutter.yaml');
    const perlmutter = (parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> }).config;
    const config = loadConfig(perlmutter, 'perlmutter');
    const steps = planCampaign(config, perlmutter, campaignIdFor('a'.repeat(64), new Date(0)));
    expect(steps.map((s) => `${s.scheduler}/${s.profile}: ${s.workloads.join(',')}`)).toEqual([
      'slurm/medium: cpu_intensive,throughput',
      'slurm/large: memory_intensive,mixed',
      'kubernetes/medium: cpu_intensive,throughput',
      'kubernetes/large: memory_intensive,mixed',
      'flux/medium: cpu_intensive,throughput',
      'flux/large: memory_intensive,mixed',
    ]);
    const names = steps.map((s) => loadConfig(s.config, s.stack).clusterName);
    expect(new Set(names).size).toBe(steps.length);
    expect(new Set(steps.map((s) => s.config['schedbench:campaignId'])).size).toBe(1);
    const table = renderMatrix('19700101T000000Z_aaaaaaaaaaaa', steps);
    expect(table.split('\n')[0]).toBe('campaign 19700101T000000Z_aaaaaaaaaaaa: 6 steps');
    expect(table).toMatch(/2 +slurm +large +memory_intensive, mixed +perlmutter-slurm-large +up, destroy/);
    // Kubernetes on the libvirt VMs of the Perlmutter stack: the built image carries its binaries.
    expect(table).toMatch(
      /3 +kubernetes +medium +cpu_intensive, throughput +perlmutter-kubernetes-medium +up, destroy/,
    );
  });

  it('Kubernetes runs on netns nodes and VMs of a built image, elsewhere only with kubernetes.binDir', () => {
    expect(kubernetesAvailability({ backend: 'netns' })).toEqual({ available: true });
    expect(kubernetesAvailability({ backend: 'hosts', binDir: '/opt/k8s' })).toEqual({ available: true });
    expect(kubernetesAvailability({ backend: 'hosts' })).toMatchObject({
      available: false,
      reason: expect.stringMatching(/kubernetes\.binDir/) as unknown,
    });
    expect(kubernetesAvailability({ backend: 'libvirt', imageBuilt: true }).available).toBe(true);
    expect(kubernetesAvailability({ backend: 'libvirt', imageBuilt: false })).toMatchObject({
      available: false,
      reason: expect.stringMatching(/source: file.*kubernetes\.binDir/) as unknown,
    });
    expect(
      kubernetesAvailability({ backend: 'libvirt', imageBuilt: false, binDir: '/opt/k8s' }).available,
    ).toBe(true);
  });

  describe('Flux in a campaign', () => {
    const base = {
      'schedbench:scheduler': 'slurm',
      'schedbench:profile': 'small',
      'schedbench:backend': { type: 'netns' },
    };
    /** Plans with SCHEDBENCH_FLUX_PREFIX set to `env` (unset when undefined), restoring it afterwards. */
    function planWithEnv(config: Record<string, unknown>, env: string | undefined) {
      const saved = process.env[FLUX_PREFIX_ENV];
      if (env === undefined) delete process.env[FLUX_PREFIX_ENV];
      else process.env[FLUX_PREFIX_ENV] = env;
      try {
        return planCampaign(loadConfig(config, 'lab'), config, 'C1');
      } finally {
        if (saved === undefined) delete process.env[FLUX_PREFIX_ENV];
        else process.env[FLUX_PREFIX_ENV] = saved;
      }
    }

    it('comes after SLURM and Kubernetes when the stack file gives no schedulerOrder', () => {
      const steps = planWithEnv(base, undefined);
      expect(steps.map((s) => s.scheduler)).toEqual(['slurm', 'kubernetes', 'flux']);
    });

    it('is skipped as "no Flux installation at <prefix>" when the configured prefix holds no Flux', () => {
      const config = { ...base, 'schedbench:flux': { prefix: '/nonexistent/flux' } };
      const flux = planWithEnv(config, undefined).find((s) => s.scheduler === 'flux');
      expect(flux?.available).toBe(false);
      expect(flux?.reason).toMatch(
        /^no Flux installation at \/nonexistent\/flux \(schedbench:flux\.prefix\)/,
      );
      const table = renderMatrix('C1', planWithEnv(config, undefined));
      expect(table).toMatch(/3 +flux +small .*skipped: no Flux installation at \/nonexistent\/flux /);
    });

    it('takes the prefix from SCHEDBENCH_FLUX_PREFIX when the key is unset, and says so when it is empty', () => {
      const flux = planWithEnv(base, '/nonexistent/flux-env').find((s) => s.scheduler === 'flux');
      expect(flux?.reason).toMatch(/^no Flux installation at \/nonexistent\/flux-env /);
      const table = renderMatrix('C1', planWithEnv(base, undefined));
      expect(table).toMatch(
        /3 +flux +small .*skipped: no Flux installation: set schedbench:flux\.prefix \(or SCHEDBENCH_FLUX_PREFIX\)/,
      );
    });
  });

  it('the campaign id is identity, not configuration: it leaves the config hash alone', async () => {
    const { configHash } = await import('../../../components/config/identity');
    const a = loadConfig(raw, 'lab');
    const b = loadConfig({ ...raw, 'schedbench:campaignId': 'C2' }, 'lab');
    expect(configHash(b)).toBe(configHash(a));
  });
});
