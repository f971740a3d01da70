// Objectives are checked against the analysis's metric catalogue at validation: a misspelt metric is refused
// with its name, a suggestion and the allowed list, before any run is spent.
import { parseConfig } from '../../../components/config/parse';
import { METRIC_NAMES } from '../../../analysis/metrics';
import { DEFAULT_OBJECTIVES } from '../../../analysis/objectives';

const base = {
  'schedbench:scheduler': 'slurm',
  'schedbench:profile': 'small',
  'schedbench:backend': { type: 'netns' },
};

describe('analysis.objectives', () => {
  it('refuses a misspelt metric, naming it and the metric it probably meant', () => {
    const result = parseConfig(
      { ...base, 'schedbench:analysis': { objectives: [{ metric: 'waitMeanSecs', direction: 'min' }] } },
      's',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.key === 'schedbench:analysis.objectives[0].metric');
    expect(error?.message).toContain('unknown metric "waitMeanSecs"');
    expect(error?.message).toContain('did you mean "waitMeanSeconds"');
    expect(error?.message).toContain('makespanSeconds');
  });

  it('accepts every metric of the catalogue and defaults to the analysis defaults', () => {
    const all = METRIC_NAMES.map((metric) => ({ metric, direction: 'min' }));
    expect(parseConfig({ ...base, 'schedbench:analysis': { objectives: all } }, 's').ok).toBe(true);
    const defaults = parseConfig(base, 's');
    expect(defaults.ok && defaults.config.analysis.objectives).toEqual(DEFAULT_OBJECTIVES);
  });
});
