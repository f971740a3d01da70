// Energy from real sources, or none: the conversion of recorded counters to joules (pm_counters, RAPL with
// wrap-around, IPMI power), attribution to a node by CPU share, the v1 upgrade, and the sampler's probe run on
// sysfs-shaped trees made in a temp dir (SYSFS_ROOT / PROC_ROOT), including this machine's own (no source: none).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cpuShare,
  energyNotes,
  hostEnergyJoules,
  nodeEnergySeries,
  NodeSamplerOutput,
  parseJsonLines,
  RawEnergy,
  RawNodeSample,
  toNodeSamples,
} from '../../../components/samplers/convert';
import { preludedScript } from '../../../components/script';
import { parseRunResult, V1_ENERGY_SOURCE } from '../../../results/read';

const SCRIPTS = join(__dirname, '..', '..', '..', 'components', 'samplers', 'scripts');
const MAX = 262143328850; // a real package zone's max_energy_range_uj

function raw(t: number, over: Partial<RawNodeSample> = {}): RawNodeSample {
  return {
    t,
    cpuNs: 0,
    memBytes: 0,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    ...over,
  };
}

describe('counters → joules', () => {
  it('pm_counters: joules are the difference of the energy file; a counter that went back is no reading', () => {
    const a: RawEnergy = { src: 'pm_counters', j: 1_000_000, gen: 7 };
    const b: RawEnergy = { src: 'pm_counters', j: 1_000_450, gen: 7 };
    expect(hostEnergyJoules(a, b, 1)).toBe(450);
    expect(hostEnergyJoules(b, a, 1)).toBeNull();
  });

  it('RAPL: µJ summed over zones; a zone that wrapped gets its max_energy_range_uj back', () => {
    const a: RawEnergy = { src: 'rapl', uj: [MAX - 1_000_000, 5_000_000], maxUj: [MAX, 65712999613] };
    const b: RawEnergy = { src: 'rapl', uj: [2_000_000, 7_500_000], maxUj: [MAX, 65712999613] };
    // zone 0 wrapped: 1 J up to the wrap + 2 J after it; zone 1 (dram): 2.5 J
    expect(hostEnergyJoules(a, b, 1)).toBeCloseTo(5.5, 9);
    // a different zone set is not comparable
    expect(hostEnergyJoules(a, { src: 'rapl', uj: [1], maxUj: [MAX] }, 1)).toBeNull();
  });

  it('IPMI: instantaneous power integrated by the trapezoid rule; no reading yet is no energy', () => {
    expect(hostEnergyJoules({ src: 'ipmi', w: 200 }, { src: 'ipmi', w: 300 }, 2)).toBe(500);
    expect(hostEnergyJoules({ src: 'ipmi', w: null }, { src: 'ipmi', w: 300 }, 2)).toBeNull();
  });

  it('readings of different sources are never subtracted', () => {
    expect(hostEnergyJoules({ src: 'ipmi', w: 200 }, { src: 'pm_counters', j: 5, gen: null }, 1)).toBeNull();
  });
});

describe('attribution to a node by its share of CPU time', () => {
  it('share = Δ node CPU / Δ host busy CPU, clamped to [0, 1]; 1 without host CPU (the node is the host)', () => {
    expect(cpuShare(raw(0, { cpuNs: 0, hostCpuNs: 0 }), raw(1, { cpuNs: 1e9, hostCpuNs: 4e9 }))).toBe(0.25);
    expect(cpuShare(raw(0, { cpuNs: 0, hostCpuNs: 0 }), raw(1, { cpuNs: 5e9, hostCpuNs: 4e9 }))).toBe(1);
    expect(cpuShare(raw(0, { hostCpuNs: 7 }), raw(1, { hostCpuNs: 7 }))).toBe(0); // host idle
    expect(cpuShare(raw(0), raw(1, { cpuNs: 1e9 }))).toBe(1);
  });

  it('cumulative node energy = Σ intervals host energy × share; samples carry it from 0 at the baseline', () => {
    const series = [
      raw(100, { cpuNs: 0, hostCpuNs: 0, energy: { src: 'pm_counters', j: 5000, gen: 1 } }),
      raw(101, { cpuNs: 1e9, hostCpuNs: 2e9, energy: { src: 'pm_counters', j: 5400, gen: 1 } }), // 400 J × 0.5
      raw(102, { cpuNs: 1e9, hostCpuNs: 4e9, energy: { src: 'pm_counters', j: 5700, gen: 1 } }), // 300 J × 0
      raw(103, { cpuNs: 3e9, hostCpuNs: 6e9, energy: { src: 'pm_counters', j: 6000, gen: 1 } }), // 300 J × 1
    ];
    expect(nodeEnergySeries(series)).toEqual([0, 200, 200, 500]);
    const samples = toNodeSamples('n1', 2, series);
    expect(samples.map((s) => s.energyJoules)).toEqual([200, 200, 500]);
    expect(energyNotes('n1', series)).toEqual([]);
  });

  it('a hole in the readings makes the whole series unmeasured, and says so; a power cap change is noted', () => {
    const holed = [
      raw(0, { energy: { src: 'pm_counters', j: 10, gen: 1 } }),
      raw(1),
      raw(2, { energy: { src: 'pm_counters', j: 30, gen: 2 } }),
    ];
    expect(nodeEnergySeries(holed)).toEqual([null, null, null]);
    expect(toNodeSamples('n1', 1, holed).every((s) => s.energyJoules === null)).toBe(true);
    const notes = energyNotes('n1', holed);
    expect(notes).toContain('node n1: the power cap changed during the run (pm_counters generation 1 → 2)');
    expect(notes).toContain('node n1: energy not measured (a reading was missing or its counter reset)');
    // no source at all: null, and nothing to note
    expect(nodeEnergySeries([raw(0), raw(1)])).toEqual([null, null]);
    expect(energyNotes('n1', [raw(0), raw(1)])).toEqual([]);
  });
});

describe('schema version 1 power readings', () => {
  it('are integrated into cumulative energy (trapezoid) with a rapl source naming the upgrade', () => {
    const v1 = {
      schemaVersion: 1,
      runId: '20260101T000000Z_0123456789ab',
      configHash: 'a'.repeat(64),
      stack: 's',
      scheduler: { name: 'slurm', version: '22.05' },
      profile: { name: 'small', nodes: 1, vcpus: 2, memoryGiB: 1 },
      workload: { name: 'w', specCount: 0 },
      repetition: 1,
      startedAt: '2026-01-01T00:00:00Z',
      endedAt: '2026-01-01T00:00:10Z',
      status: 'ok',
      notes: [],
      submission: { startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:00Z', count: 0 },
      nodes: [
        { name: 'n1', cpus: 2, memoryMiB: 1024, sources: { cpu: 'c', memory: 'm', disk: 'd', network: 'n' } },
      ],
      jobs: [],
      samplingIntervalMs: 1000,
      nodeSamples: [0, 2, 4].map((t, i) => ({
        time: `2026-01-01T00:00:0${t}Z`,
        node: 'n1',
        cpuBusy: 0,
        memoryUsedMiB: 0,
        diskReadBytes: 0,
        diskWriteBytes: 0,
        netRxBytes: 0,
        netTxBytes: 0,
        powerWatts: [100, 200, 100][i],
      })),
      schedulerSamples: [],
      schedulerStats: [],
      provenance: {
        host: 'h',
        os: 'o',
        kernel: 'k',
        backend: 'netns',
        oversubscribed: false,
        virtualization: null,
        imageDigest: null,
        packages: {},
        schedbenchVersion: '0',
      },
    };
    const r = parseRunResult(v1);
    expect(r.nodeSamples.map((s) => s.energyJoules)).toEqual([0, 300, 600]);
    expect(r.nodes[0]?.sources.energy).toBe(V1_ENERGY_SOURCE);
  });
});

/** Runs energy.sh's probe and one read in bash (set -euo pipefail), with roots and PATH pointed at `root`. */
function probe(
  root: string,
  env: Record<string, string> = {},
  cgroup = '1',
): { kind: string; source: string; json: string } {
  const script = [
    'set -euo pipefail',
    `source ${JSON.stringify(join(SCRIPTS, 'energy.sh'))}`,
    `energy_probe ${cgroup}`,
    'energy_read "${IPMI_FILE:-}"',
    'printf "%s\\n%s\\n%s\\n" "$ENERGY_KIND" "$ENERGY_SOURCE" "$ENERGY_JSON"',
  ].join('\n');
  const out = execFileSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH ?? '', CLK_TCK: '100', SYSFS_ROOT: root, PROC_ROOT: root, ...env },
    encoding: 'utf8',
  });
  const [kind = '', source = '', json = ''] = out.split('\n');
  return { kind, source, json };
}

/** The sample fields energy_read adds, as the RawNodeSample schema reads them. */
function parsedFields(json: string): Pick<RawNodeSample, 'energy' | 'hostCpuNs'> {
  const line = RawNodeSample.parse(
    JSON.parse(
      `{"t":1,"cpuNs":0,"memBytes":0,"diskReadBytes":0,"diskWriteBytes":0,"netRxBytes":0,"netTxBytes":0${json}}`,
    ),
  );
  return { energy: line.energy, hostCpuNs: line.hostCpuNs };
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('the sampler probe on made-up sysfs trees', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-energy-'));
    // /proc/stat: user nice system idle iowait irq softirq steal (ticks at CLK_TCK 100)
    write(join(dir, 'proc', 'stat'), 'cpu  100 0 50 1000 10 5 5 0 0 0\ncpu0 100 0 50 1000 10 5 5 0 0 0\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function raplZone(zone: string, name: string, uj: number, max = MAX): void {
    const z = join(dir, 'sys', 'class', 'powercap', zone);
    write(join(z, 'name'), `${name}\n`);
    write(join(z, 'energy_uj'), `${uj}\n`);
    write(join(z, 'max_energy_range_uj'), `${max}\n`);
  }

  it('pm_counters first: the node energy in joules, its generation, and the host CPU for attribution', () => {
    const pm = join(dir, 'sys', 'cray', 'pm_counters');
    write(join(pm, 'energy'), '123456 J 1700000000123456 us\n');
    write(join(pm, 'generation'), '3\n');
    write(join(pm, 'freshness'), '987\n');
    raplZone('intel-rapl:0', 'package-0', 5); // present, but pm_counters wins
    const p = probe(dir);
    expect(p.kind).toBe('pm_counters');
    expect(p.source).toMatch(/^pm_counters: .*\/sys\/cray\/pm_counters\/energy \(J; whole host, attributed/);
    expect(parsedFields(p.json)).toEqual({
      energy: { src: 'pm_counters', j: 123456, gen: 3 },
      hostCpuNs: (100 + 0 + 50 + 5 + 5 + 0) * 1e7, // busy ticks × 10⁹ / CLK_TCK
    });
  });

  it('RAPL: package and dram zones only (core, uncore and psys overlap them), with their wrap ranges', () => {
    raplZone('intel-rapl:0', 'package-0', 1_000_000);
    raplZone('intel-rapl:0:0', 'core', 400_000);
    raplZone('intel-rapl:0:1', 'dram', 300_000, 65712999613);
    raplZone('intel-rapl:1', 'psys', 9_000_000);
    raplZone('intel-rapl:2', 'package-1', 2_000_000);
    const p = probe(dir, {}, '');
    expect(p.kind).toBe('rapl');
    expect(p.source).toBe(
      'rapl: intel-rapl:0=package-0,intel-rapl:0:1=dram,intel-rapl:2=package-1 (µJ, wrap-around at max_energy_range_uj undone; whole host)',
    );
    // the node is the whole host here (no cgroup): no host CPU, share 1
    expect(parsedFields(p.json)).toEqual({
      energy: { src: 'rapl', uj: [1_000_000, 300_000, 2_000_000], maxUj: [MAX, 65712999613, MAX] },
    });
  });

  it('IPMI DCMI when ipmitool answers; its instantaneous reading is what a sample carries', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const tool = join(bin, 'ipmitool');
    writeFileSync(
      tool,
      [
        '#!/bin/sh',
        'echo ""',
        'echo "    Instantaneous power reading:                   231 Watts"',
        'echo "    Minimum during sampling period:                 80 Watts"',
        'echo "    Power reading state is:                   activated"',
      ].join('\n'),
    );
    chmodSync(tool, 0o755);
    const last = join(dir, 'ipmi.last');
    writeFileSync(last, '231\n'); // what the background poller would have written
    const p = probe(dir, { PATH: `${bin}:${process.env.PATH ?? ''}`, IPMI_FILE: last }, '');
    expect(p.kind).toBe('ipmi');
    expect(p.source).toBe('ipmi: ipmitool dcmi power reading (W, integrated over time; whole host)');
    expect(parsedFields(p.json).energy).toEqual({ src: 'ipmi', w: 231 });
  });

  it('nothing: kind none, source none, no energy field — and a deactivated DCMI reading is nothing too', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'ipmitool'),
      '#!/bin/sh\necho "    Instantaneous power reading: 0 Watts"\necho "    Power reading state is: deactivated"\n',
    );
    chmodSync(join(bin, 'ipmitool'), 0o755);
    const p = probe(dir, { PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(p).toEqual({ kind: 'none', source: 'none', json: '' });
  });
});

/** Whether this machine has any energy source the probe would find. */
function machineHasEnergySource(): boolean {
  const powercap = '/sys/class/powercap';
  const rapl = existsSync(powercap) && readdirSync(powercap).some((z) => z.startsWith('intel-rapl:'));
  const ipmi = spawnSync('bash', ['-c', 'command -v ipmitool'], { encoding: 'utf8' }).status === 0;
  return existsSync('/sys/cray/pm_counters/energy') || rapl || ipmi;
}

describe('on this machine', () => {
  const itHere = machineHasEnergySource() ? it.skip : it;
  itHere('(no pm_counters, no RAPL in this VM, no ipmitool) the probe finds nothing: energy none', () => {
    const p = probe('/', { PROC_ROOT: '/' });
    expect(p).toEqual({ kind: 'none', source: 'none', json: '' });
  });
});

describe('the node sampler, started and stopped as a run does, on a made-up RAPL tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-sampler-'));
  const zone = join(dir, 'root', 'sys', 'class', 'powercap', 'intel-rapl:0');
  const env = {
    ...process.env,
    SAMPLER_DIR: join(dir, 'samples'),
    INTERVAL_MS: '100',
    IFACE: 'lo',
    SYSFS_ROOT: join(dir, 'root'),
  };
  const start = preludedScript(SCRIPTS, 'node-sampler-start.sh', [join(SCRIPTS, 'energy.sh')]);
  const stop = preludedScript(SCRIPTS, 'node-sampler-stop.sh');
  afterAll(() => {
    execFileSync('bash', ['-c', stop], { env, encoding: 'utf8' }); // idempotent: stops it if a test failed
    rmSync(dir, { recursive: true, force: true });
  });

  /** Bounded poll of a real condition: a sample line whose RAPL reading is `uj` (gives up after 10 s). */
  function waitForReading(uj: number): void {
    const file = join(env.SAMPLER_DIR, 'samples.jsonl');
    for (let i = 0; i < 200; i++) {
      if (existsSync(file) && readFileSync(file, 'utf8').includes(`"uj":[${uj}]`)) return;
      execFileSync('sleep', ['0.05']);
    }
    throw new Error(`no sample with RAPL reading ${uj} in ${file}`);
  }

  it('names rapl in sources.energy, records each reading, and the conversion undoes the wrap', () => {
    write(join(zone, 'name'), 'package-0\n');
    write(join(zone, 'max_energy_range_uj'), `${MAX}\n`);
    write(join(zone, 'energy_uj'), '1000\n');
    const started = JSON.parse(execFileSync('bash', ['-c', start], { env, encoding: 'utf8' })) as {
      sources: { energy: string };
    };
    expect(started.sources.energy).toMatch(/^rapl: intel-rapl:0=package-0 /);
    waitForReading(1000);
    write(join(zone, 'energy_uj'), `${MAX - 1_000_000}\n`);
    waitForReading(MAX - 1_000_000);
    write(join(zone, 'energy_uj'), '5000\n'); // wrapped
    waitForReading(5000);
    const out = NodeSamplerOutput.parse(
      JSON.parse(execFileSync('bash', ['-c', stop], { env, encoding: 'utf8' })),
    );
    if (!('samples' in out)) throw new Error('the sampler printed no samples');
    expect(out.sources?.energy).toBe(started.sources.energy);
    const rawSamples = parseJsonLines(out.samples, RawNodeSample);
    const first = rawSamples[0];
    const last = rawSamples[rawSamples.length - 1];
    if (first?.energy === undefined || last?.energy === undefined) throw new Error('no energy readings');
    // host energy over the run, summed interval by interval: (MAX − 1 J − 1000 µJ) up to the wrap, then 1 J + 5000 µJ
    let joules = 0;
    for (let i = 1; i < rawSamples.length; i++) {
      const a = rawSamples[i - 1]?.energy;
      const b = rawSamples[i]?.energy;
      if (a === undefined || b === undefined) throw new Error('a sample without energy');
      joules += hostEnergyJoules(a, b, 0.1) ?? NaN;
    }
    expect(joules).toBeCloseTo((MAX - 1000 + 5000) / 1e6, 6);
  });
});
