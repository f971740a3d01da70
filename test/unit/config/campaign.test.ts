// Campaign planning: one stack per scheduler in order, unavailable schedulers skipped with a reason.
import { planCampaign } from '../../../components/config/campaign';
import { loadConfig } from '../../../components/config/parse';

const raw = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
  'schedbench:schedulerOrder': ['flux', 'slurm'],
  'schedbench:autoTeardown': true,
};

describe('planCampaign', () => {
  it('follows schedulerOrder, one stack and cluster per scheduler', () => {
    const steps = planCampaign(loadConfig(raw, 'lab'), raw);
    expect(steps.map((s) => [s.scheduler, s.stack, s.available, s.teardown])).toEqual([
      ['flux', 'lab-flux', false, true],
      ['slurm', 'lab-slurm', true, true],
    ]);
    expect(steps[0].reason).toMatch(/flux cannot be stood up/);
    expect(steps[1].config['schedbench:scheduler']).toBe('slurm');
    expect(steps[1].config['schedbench:clusterName']).toBe('lab-slurm');
    expect(loadConfig(steps[1].config, steps[1].stack).clusterName).toBe('lab-slurm');
  });
});
