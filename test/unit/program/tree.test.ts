// The program's resource tree under mocks: what each stack registers, with which parents, and that secrets stay secret.
import { readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Registered, runProgram, StdoutFor } from '../../helpers/program';

const root = path.join(__dirname, '..', '..', '..');
const stackConfig = (stack: string) =>
  (
    parse(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), 'utf8')) as {
      config: Record<string, unknown>;
    }
  ).config;

/** Plausible command outputs, so parsing in the program sees what real commands print. */
export const fakeStdout: StdoutFor = (name) => {
  if (name.endsWith('-clock')) return '20261126T080000Z';
  if (name.endsWith('-host-cores')) return JSON.stringify({ cores: os.cpus().length });
  if (name.endsWith('-key-private'))
    return '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----';
  if (name.endsWith('-key-public')) return 'ssh-ed25519 AAAAfake schedbench';
  return `mock-${name}`;
};

const byName = (resources: Registered[], name: string) => {
  const found = resources.find((r) => r.name === name);
  if (found === undefined)
    throw new Error(`no resource ${name}; have ${resources.map((r) => r.name).join(', ')}`);
  return found;
};

describe('local stack (netns nodes)', () => {
  let resources: Registered[];
  let outputs: Record<string, unknown>;
  let secretOutputs: Set<string>;
  beforeAll(async () => {
    const run = await runProgram({ ...stackConfig('local'), 'schedbench:stopAfter': 'nodes' }, 'local', {
      stdout: fakeStdout,
    });
    expect(run.error).toBeUndefined();
    ({ resources, outputs, secretOutputs } = run);
  });

  it('registers identity and two netns nodes validated over SSH, each under its component', () => {
    const identity = byName(resources, 'local');
    expect(identity.type).toBe('schedbench:identity:Run');
    expect(byName(resources, 'local-clock').parent).toContain('schedbench:identity:Run::local');
    const netns = byName(resources, 'local-nodes');
    expect(netns.type).toBe('schedbench:nodes:Netns');
    for (const node of ['local-nodes-n1', 'local-nodes-n2']) {
      expect(byName(resources, node).type).toBe('command:local:Command');
      expect(byName(resources, node).parent).toContain('schedbench:nodes:Netns::local-nodes');
      expect(byName(resources, `${node}-validate`).type).toBe('command:remote:Command');
    }
    expect(resources.filter((r) => r.type === 'command:remote:Command')).toHaveLength(2);
  });

  it('delivers node parameters through the environment, never in the command text', () => {
    const node = byName(resources, 'local-nodes-n1');
    const env = node.inputs.environment as Record<string, string>;
    expect(Object.values(env)).toContain('local-n1');
    expect(String(node.inputs.create)).not.toContain('local-n1');
  });

  it('keeps the cluster private key secret and reports the nodes and the run id', () => {
    expect(secretOutputs.has('clusterPrivateKey')).toBe(true);
    expect(secretOutputs.has('nodes')).toBe(false);
    expect(outputs.runId).toMatch(/^20261126T080000Z_[0-9a-f]{12}$/);
    // The default stack's `host` profile is sized from this machine: it never oversubscribes it.
    expect(outputs.oversubscribed).toBe(false);
    expect((outputs.nodes as { name: string }[]).map((n) => n.name)).toEqual(['local-n1', 'local-n2']);
  });

  it('gives the snapshot the resolved config on stdin, with the config hash', () => {
    const snapshot = byName(resources, 'local-snapshot');
    const document = JSON.parse(String(snapshot.inputs.stdin)) as {
      configHash: string;
      config: { clusterName: string };
    };
    expect(document.configHash).toBe(outputs.configHash);
    expect(document.config.clusterName).toBe('local');
  });
});
