// What node sshds accept from SSH clients, and how parameters sent as SCHEDBENCH_* get their
// names back on the node.
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { readdirSync } from 'fs';
import * as path from 'path';
import { NODE_ACCEPT_ENV, SSH_ENV_LIB, sshEnvironment } from '../../../components/nodes/ssh-env';

const accepted = NODE_ACCEPT_ENV.split(' ');

describe('AcceptEnv of node sshds', () => {
  it('is SCHEDBENCH_* and nothing else', () => {
    expect(accepted).toEqual(['SCHEDBENCH_*']);
  });

  it.each([
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'BASH_ENV',
    'ENV',
    'PATH',
    'IFS',
    'SHELLOPTS',
    'PYTHONPATH',
    'SECONDS',
  ])('never accepts %s', (name) => {
    expect(accepted).not.toContain(name);
  });

  it('every remote command is made by remoteCommand (components/nodes/remote.ts), which sends SCHEDBENCH_*', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
        else if (e.name.endsWith('.ts') && p !== path.join(root, 'components', 'nodes', 'remote.ts')) {
          if (readFileSync(p, 'utf8').includes('new command.remote.Command('))
            offenders.push(path.relative(root, p));
        }
      }
    };
    for (const dir of ['components', 'workloads']) walk(path.join(root, dir));
    expect(offenders).toEqual([]);
  });
});

describe('parameters sent over SSH', () => {
  it('are prefixed with SCHEDBENCH_ (once), and their names declared in SCHEDBENCH_PARAMETERS', () => {
    expect(sshEnvironment({ NODE: 'n1', SCHEDBENCH_SKIP: 'done' })).toEqual({
      SCHEDBENCH_NODE: 'n1',
      SCHEDBENCH_SKIP: 'done',
      SCHEDBENCH_PARAMETERS: 'NODE SKIP',
    });
    // Prefixing twice (remoteCommand over an environment made by sshEnvironment) declares the same names.
    expect(sshEnvironment(sshEnvironment({ NODE: 'n1' }))).toEqual({
      SCHEDBENCH_NODE: 'n1',
      SCHEDBENCH_PARAMETERS: 'NODE',
    });
  });

  it.each(['LD_PRELOAD', 'SCHEDBENCH_BASH_ENV', 'PATH'])(
    'a parameter named %s is refused when the command is built',
    (name) => {
      expect(() => sshEnvironment({ [name]: '/tmp/sec-evil' })).toThrow(
        /a name that changes how programs load or shells start/,
      );
    },
  );

  const run = (env: Record<string, string>, script: string) =>
    spawnSync(
      'bash',
      ['-c', `set -euo pipefail\n${readFileSync(SSH_ENV_LIB, 'utf8')}\n${script}`, 'sec-test.sh'],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
        encoding: 'utf8',
      },
    );

  it('get their names back on the node', () => {
    const result = run(sshEnvironment({ NODE: 'n1', EXPECTED_NAME: 'a b' }), 'echo "$NODE|$EXPECTED_NAME"');
    expect(result).toMatchObject({ status: 0, stdout: 'n1|a b\n' });
  });

  it('only the declared names get theirs back (an allowlist, not a denylist)', () => {
    const result = run(
      {
        ...sshEnvironment({ NODE: 'n1' }),
        SCHEDBENCH_CLUSTER: 'someone-elses',
        SCHEDBENCH_LD_PRELOAD: '/tmp/x',
      },
      'echo "$NODE|${CLUSTER-unset}|${LD_PRELOAD-unset}|$SCHEDBENCH_CLUSTER"',
    );
    expect(result).toMatchObject({ status: 0, stdout: 'n1|unset|unset|someone-elses\n' });
  });

  it.each(['SCHEDBENCH_LD_PRELOAD', 'SCHEDBENCH_BASH_ENV', 'SCHEDBENCH_PATH'])(
    '%s is refused by name, even declared',
    (name) => {
      const bare = name.slice('SCHEDBENCH_'.length);
      const result = run({ [name]: '/tmp/sec-evil', SCHEDBENCH_PARAMETERS: bare }, 'echo reached');
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`sec-test.sh: refusing parameter ${name} from the SSH environment`);
    },
  );
});
