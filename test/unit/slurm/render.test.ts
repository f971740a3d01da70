// The pure renderers of slurm.conf / slurmdbd.conf / cgroup.conf and the cluster's layout and ports.
import { RUNTIME_ROOT } from '../../../components/schedulers/runtime-dir';
import { SlurmOptions } from '../../../components/slurm/options';
import { clusterLayout, clusterPorts } from '../../../components/slurm/layout';
import {
  databaseName,
  HTC_SCHEDULER_PARAMETERS,
  HTC_SETTINGS,
  renderCgroupConf,
  renderSlurmConf,
  renderSlurmdbdConf,
} from '../../../components/slurm/render';

const nodes = [
  { name: 'local-n1', address: '10.213.7.10', vcpus: 4, memoryMiB: 8192 },
  { name: 'local-n2', address: '10.213.7.11', vcpus: 4, memoryMiB: 8192 },
];
const layout = clusterLayout('/var/lib/schedbench/local/slurm');
const ports = clusterPorts('local');

function conf(options: Partial<SlurmOptions> = {}): string {
  return renderSlurmConf({ cluster: 'local', nodes, options: SlurmOptions.parse(options), layout, ports });
}

function settings(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter(
        (l) =>
          l !== '' && !l.startsWith('#') && !l.startsWith('NodeName=') && !l.startsWith('PartitionName='),
      )
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );
}

describe('renderSlurmConf', () => {
  test('declares every node with exactly the profile CPUs and memory, and one partition over all of them', () => {
    const text = conf();
    expect(text).toContain('NodeName=local-n1 NodeAddr=10.213.7.10 CPUs=4 RealMemory=8192 State=UNKNOWN');
    expect(text).toContain('NodeName=local-n2 NodeAddr=10.213.7.11 CPUs=4 RealMemory=8192 State=UNKNOWN');
    expect(text).toContain('PartitionName=batch Nodes=local-n[1-2] Default=YES MaxTime=INFINITE State=UP');
  });

  test('the first node is the controller; accounting goes through slurmdbd on its address and port', () => {
    const s = settings(conf());
    expect(s.get('SlurmctldHost')).toBe('local-n1(10.213.7.10)');
    expect(s.get('AccountingStorageType')).toBe('accounting_storage/slurmdbd');
    expect(s.get('AccountingStorageHost')).toBe('10.213.7.10');
    expect(s.get('AccountingStoragePort')).toBe(String(ports.slurmdbd));
    expect(s.get('SlurmctldPort')).toBe(String(ports.slurmctld));
    expect(s.get('SlurmdPort')).toBe(String(ports.slurmd));
    expect(s.get('SelectType')).toBe('select/cons_tres');
    expect(s.get('JobAcctGatherType')).toBe('jobacct_gather/linux');
  });

  test('only users with an association in accounting may submit, whatever the tuning; jobs and steps still recorded', () => {
    for (const text of [conf(), conf({ tuning: 'htc' })]) {
      const enforce = (settings(text).get('AccountingStorageEnforce') ?? '').split(',');
      expect(enforce).toContain('associations');
      // collect.sh reads every job's record and its steps' from sacct.
      expect(enforce).not.toContain('nojobs');
      expect(enforce).not.toContain('nosteps');
    }
  });

  test('keeps jobs in the node cgroup and every daemon path per cluster and per node', () => {
    const s = settings(conf());
    expect(s.get('ProctrackType')).toBe('proctrack/linuxproc');
    expect(s.get('TaskPlugin')).toBe('task/none');
    expect(s.get('SlurmdSpoolDir')).toMatch(new RegExp(`^${RUNTIME_ROOT}/[0-9a-f]{8}/%n$`));
    expect(s.get('SlurmdPidFile')).toBe('/var/lib/schedbench/local/slurm/nodes/%n/slurmd.pid');
    expect(s.get('StateSaveLocation')).toBe('/var/lib/schedbench/local/slurm/slurmctld/state');
    expect(s.get('AuthInfo')).toBe('socket=/var/lib/schedbench/local/slurm/munge/munge.socket');
  });

  test('HTC tuning adds the High Throughput guide settings, default tuning does not', () => {
    const tuned = settings(conf({ tuning: 'htc' }));
    const plain = settings(conf());
    for (const [key, value] of HTC_SETTINGS) {
      expect(tuned.get(key)).toBe(value);
      expect(plain.has(key)).toBe(false);
    }
  });

  test('backfill passes every second in 1 s steps, whatever the tuning; HTC adds its parameters on the same line', () => {
    expect(settings(conf()).get('SchedulerType')).toBe('sched/backfill');
    expect(settings(conf()).get('SchedulerParameters')).toBe('bf_interval=1,bf_resolution=1');
    expect(settings(conf({ backfillIntervalSeconds: 30 })).get('SchedulerParameters')).toBe(
      'bf_interval=30,bf_resolution=1',
    );
    const tuned = conf({ tuning: 'htc' });
    expect(tuned.match(/^SchedulerParameters=/gm)).toHaveLength(1);
    expect(settings(tuned).get('SchedulerParameters')).toBe(
      ['bf_interval=1', 'bf_resolution=1', ...HTC_SCHEDULER_PARAMETERS].join(','),
    );
  });

  test('jobs queue by priority/basic: submission order shifted by their nice value', () => {
    expect(settings(conf()).get('PriorityType')).toBe('priority/basic');
  });

  test('HTC tuning has a trivial epilog, so a job end reaches slurmctld as EPILOG_COMPLETE and schedules at once', () => {
    expect(settings(conf({ tuning: 'htc' })).get('Epilog')).toBe('/bin/true');
    expect(settings(conf()).has('Epilog')).toBe(false);
  });

  test('honours the partition and the slurmd timeout', () => {
    const text = conf({ partition: 'work', slurmdTimeoutSeconds: 42 });
    expect(text).toContain('PartitionName=work ');
    expect(settings(text).get('SlurmdTimeout')).toBe('42');
  });

  test('refuses an empty node list', () => {
    expect(() =>
      renderSlurmConf({ cluster: 'x', nodes: [], options: SlurmOptions.parse({}), layout, ports }),
    ).toThrow(/at least one node/);
  });
});

describe('renderSlurmdbdConf', () => {
  const text = renderSlurmdbdConf({
    cluster: 'my-cl',
    controllerName: 'my-cl-n1',
    controllerAddress: '10.0.0.10',
    layout,
    ports,
  });
  test('names the controller host, its address and the per-cluster database, without any password', () => {
    expect(text).toContain('DbdHost=my-cl-n1\n');
    expect(text).toContain('DbdAddr=10.0.0.10\n');
    expect(text).toContain(`StoragePort=${ports.mariadb}\n`);
    expect(text).toContain('StorageLoc=slurm_acct_my_cl\n');
    expect(text).not.toMatch(/^StoragePass=/m);
  });
});

describe('cgroup.conf, layout and ports', () => {
  test('cgroup.conf mounts nothing', () => {
    expect(renderCgroupConf()).toContain('CgroupAutomount=no');
  });
  test('database names are valid MariaDB identifiers', () => {
    expect(databaseName('a-b-c')).toBe('slurm_acct_a_b_c');
  });
  test('ports are a block of four, stable per name, distinct between names, overridable', () => {
    const a = clusterPorts('alpha');
    expect([a.slurmd, a.slurmdbd, a.mariadb]).toEqual([a.slurmctld + 1, a.slurmctld + 2, a.slurmctld + 3]);
    expect(clusterPorts('alpha')).toEqual(a);
    expect(clusterPorts('beta').slurmctld).not.toBe(a.slurmctld);
    expect(clusterPorts('alpha', 30000)).toEqual({
      slurmctld: 30000,
      slurmd: 30001,
      slurmdbd: 30002,
      mariadb: 30003,
    });
    expect(a.slurmctld).toBeGreaterThanOrEqual(20000);
    expect(a.mariadb).toBeLessThan(30000);
  });
  test('two clusters never share a path', () => {
    expect(clusterLayout('/s/a/slurm').mungeSocket).not.toBe(clusterLayout('/s/b/slurm').mungeSocket);
  });
});
