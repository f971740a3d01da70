// Config validation: every bad fixture is refused naming the right key; good stacks resolve with defaults.
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { parseConfig } from '../../../components/config/parse';
import { readStackFile } from '../../../components/config/stackfile';

const root = path.join(__dirname, '..', '..', '..');
const badDir = path.join(root, 'test', 'fixtures', 'config', 'bad');
const badFixtures = readdirSync(badDir).filter((f) => f.endsWith('.yaml'));

function expectedKey(file: string): string {
  const match = /^# expect-key: (.+)$/m.exec(readFileSync(file, 'utf8'));
  if (match === null) throw new Error(`${file} has no '# expect-key:' line`);
  return match[1].trim();
}

describe('bad configs', () => {
  it('has a corpus of at least 30', () => {
    expect(badFixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(badFixtures)('%s is refused naming its key', (name) => {
    const file = path.join(badDir, name);
    const { stack, config } = readStackFile(file);
    const result = parseConfig(config, stack);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.key)).toContain(expectedKey(file));
    for (const error of result.errors) {
      expect(error.value.length).toBeGreaterThan(0);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('reports every error at once', () => {
    const result = parseConfig(
      {
        'schedbench:scheduler': 'no-such-scheduler',
        'schedbench:profile': 'small',
        'schedbench:backend': { type: 'netns' },
        'schedbench:repetitions': 0,
        'schedbench:idleGapSecs': 1,
      },
      'multi',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.key).sort()).toEqual([
      'schedbench:idleGapSecs',
      'schedbench:repetitions',
      'schedbench:scheduler',
    ]);
  });

  it('suggests the nearest valid key and names the value and what is allowed', () => {
    const result = parseConfig(
      {
        'schedbench:scheduler': 'slurn',
        'schedbench:profile': 'small',
        'schedbench:backend': { type: 'netns' },
        'schedbench:repetiton': 3,
      },
      's',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const unknown = result.errors.find((e) => e.key === 'schedbench:repetiton');
    expect(unknown?.message).toContain('did you mean "schedbench:repetitions"');
    const scheduler = result.errors.find((e) => e.key === 'schedbench:scheduler');
    expect(scheduler?.value).toBe('"slurn"');
    expect(scheduler?.message).toContain('allowed: slurm, kubernetes, flux');
    expect(scheduler?.message).toContain('did you mean "slurm"');
  });

  it('names the numbers when a VM profile does not fit the host', () => {
    const result = parseConfig(
      {
        'schedbench:scheduler': 'slurm',
        'schedbench:profile': 'large',
        'schedbench:backend': { type: 'libvirt' },
        'schedbench:host': { name: 'pm', cores: 32, memoryGiB: 512 },
      },
      's',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0].message).toContain('4 × 16 = 64 vCPUs');
    expect(result.errors[0].message).toContain('32 cores − 2 reserved = 30');
  });

  it('ignores other namespaces (providers own them)', () => {
    const result = parseConfig(
      {
        'schedbench:scheduler': 'slurm',
        'schedbench:profile': 'small',
        'schedbench:backend': { type: 'netns' },
        'kubernetes:context': 'x',
      },
      's',
    );
    expect(result.ok).toBe(true);
  });
});

describe('good configs', () => {
  it('resolves the local stack with defaults applied', () => {
    const { stack, config } = readStackFile(path.join(root, 'Pulumi.local.yaml'));
    const result = parseConfig(config, stack);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.clusterName).toBe('local');
    expect(result.config.backend).toEqual({ type: 'netns', stateDir: '/var/lib/schedbench' });
    expect(result.config.profiles.small).toEqual({ nodes: 2, vcpus: 4, memoryGiB: 8 });
    expect(result.config.sampling).toEqual({ intervalMs: 1000, statsIntervalSeconds: 30 });
  });

  it('resolves the perlmutter stack: 128 cores, 512 GiB, the three profiles and the mapping', () => {
    const { stack, config } = readStackFile(path.join(root, 'Pulumi.perlmutter.yaml'));
    const result = parseConfig(config, stack);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.host.cores).toBe(128);
    expect(c.host.memoryGiB).toBe(512);
    expect(c.profiles).toEqual({
      small: { nodes: 2, vcpus: 4, memoryGiB: 8 },
      medium: { nodes: 3, vcpus: 8, memoryGiB: 16 },
      large: { nodes: 4, vcpus: 16, memoryGiB: 32 },
    });
    expect(c.workloadProfiles).toEqual({
      cpu_intensive: 'medium',
      memory_intensive: 'large',
      mixed: 'large',
    });
    expect(c.schedulerOrder).toEqual(['slurm', 'kubernetes', 'flux']);
    expect(c.autoTeardown).toBe(true);
  });

  it('accepts Pulumi’s string-encoded values (as the engine passes them)', () => {
    const fromYaml = parse(readFileSync(path.join(root, 'Pulumi.perlmutter.yaml'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    const encoded = Object.fromEntries(
      Object.entries(fromYaml.config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    const a = parseConfig(fromYaml.config, 'perlmutter');
    const b = parseConfig(encoded, 'perlmutter');
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(b.config).toEqual(a.config);
  });
});

describe('VM capacity over several hypervisors', () => {
  const raw = (uris: string[]) => ({
    'schedbench:scheduler': 'slurm',
    'schedbench:profile': 'large',
    'schedbench:backend': { type: 'libvirt', uris },
    'schedbench:host': { name: 'pm', cores: 40, memoryGiB: 512 },
  });

  it('refuses 4 × 16 vCPUs on one 40-core host', () => {
    const result = parseConfig(raw(['qemu:///system']), 's');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].message).toContain('4 × 16 = 64 vCPUs but host pm has 40 cores');
  });

  it('accepts them spread over two such hosts (2 nodes each)', () => {
    expect(parseConfig(raw(['qemu:///system', 'qemu+ssh://root@nid2/system']), 's').ok).toBe(true);
  });
});
