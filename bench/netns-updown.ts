// Times the netns backend's up (bridge, nodes, SSH validation) and down (node and bridge deletes) for 2 and 8
// nodes, running its scripts exactly as its Command resources do. Root. Prints seconds and one JSON line.
// Baseline, measured in the same run: the same number of trivial `bash -c true` resources, i.e. the cost
// of spawning a command, so the figures show what the backend itself adds.
import { performance } from 'perf_hooks';
import { scriptCommand, validateEnvironment } from '../components/nodes/netns/env';
import {
  createCluster,
  deleteCluster,
  makeCluster,
  makeKeys,
  runLocal,
  ssh,
} from '../test/e2e/netns/harness';

const STATE_DIR = '/var/lib/schedbench-bench-netns';
const SIZES = [2, 8];
const REPEATS = Number(process.env.REPEATS ?? '3');

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

async function once(nodes: number, keys: ReturnType<typeof makeKeys>) {
  const cluster = makeCluster({ cluster: 'benchns', nodes, stateDir: STATE_DIR }, keys, 1, 512);
  const resources = 1 + nodes; // bridge + nodes

  let start = performance.now();
  for (let i = 0; i < resources; i++) runLocal('true', {});
  const baseline = seconds(start);

  start = performance.now();
  createCluster(cluster);
  const create = seconds(start);

  start = performance.now();
  for (const n of cluster.plan.nodes) {
    const result = await ssh(
      n.address,
      keys.privateKey,
      scriptCommand('validate'),
      validateEnvironment(cluster.plan, n),
    );
    if (result.status !== 0) throw new Error(`validate ${n.name}: ${result.stderr}`);
  }
  const validate = seconds(start);

  start = performance.now();
  deleteCluster(cluster);
  const destroy = seconds(start);
  return { nodes, baseline, create, validate, destroy };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('netns-updown needs root (namespaces, cgroups, sshd)');
  const keys = makeKeys('schedbench-bench');
  const rows: Awaited<ReturnType<typeof once>>[] = [];
  for (const nodes of SIZES) {
    for (let r = 0; r < REPEATS; r++) rows.push(await once(nodes, keys));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = SIZES.map((nodes) => {
    const runs = rows.filter((row) => row.nodes === nodes);
    const pick = (k: 'baseline' | 'create' | 'validate' | 'destroy') => median(runs.map((row) => row[k]));
    const up = pick('create') + pick('validate');
    return {
      nodes,
      upSeconds: +up.toFixed(3),
      createSeconds: +pick('create').toFixed(3),
      validateSeconds: +pick('validate').toFixed(3),
      destroySeconds: +pick('destroy').toFixed(3),
      baselineSeconds: +pick('baseline').toFixed(3),
      createVsBaseline: +(pick('create') / pick('baseline')).toFixed(1),
      upPerNodeSeconds: +(up / nodes).toFixed(3),
    };
  });
  console.log(
    `netns up/down, median of ${REPEATS} (s): nodes  create  validate(ssh)  up  destroy  baseline(spawn)`,
  );
  for (const s of summary) {
    console.log(
      `  ${String(s.nodes).padStart(2)}  ${s.createSeconds.toFixed(3)}  ${s.validateSeconds.toFixed(3)}  ${s.upSeconds.toFixed(3)}  ${s.destroySeconds.toFixed(3)}  ${s.baselineSeconds.toFixed(3)}`,
    );
  }
  console.log(JSON.stringify({ bench: 'netns-updown', repeats: REPEATS, summary }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
