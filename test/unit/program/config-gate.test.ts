// The program refuses a bad config before registering anything.
import { runProgram } from '../../helpers/program';

describe('program with an invalid config', () => {
  it('registers no resource and names every bad key', async () => {
    const run = await runProgram(
      {
        'schedbench:scheduler': 'slurm',
        'schedbench:profile': 'small',
        'schedbench:backend': { type: 'netns', subnet: '10.1.2.0/33' },
        'schedbench:clusterName': '$(id)',
      },
      'bad',
    );
    expect(String(run.error)).toMatch(/schedbench:backend\.subnet/);
    expect(String(run.error)).toMatch(/schedbench:clusterName/);
    expect(String(run.error)).toMatch(/nothing was created/);
    expect(run.resources.filter((r) => r.type !== 'pulumi:pulumi:Stack')).toEqual([]);
  });
});
