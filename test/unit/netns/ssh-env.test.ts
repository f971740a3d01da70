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
  it('are prefixed with SCHEDBENCH_ (once)', () => {
    expect(sshEnvironment({ NODE: 'n1', SCHEDBENCH_SKIP: 'done' })).toEqual({
      SCHEDBENCH_NODE: 'n1',
      SCHEDBENCH_SKIP: 'done',
    });
  });

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
    const result = run(
      { SCHEDBENCH_NODE: 'n1', SCHEDBENCH_EXPECTED_NAME: 'a b' },
      'echo "$NODE|$EXPECTED_NAME"',
    );
    expect(result).toMatchObject({ status: 0, stdout: 'n1|a b\n' });
  });

  it.each(['SCHEDBENCH_LD_PRELOAD', 'SCHEDBENCH_BASH_ENV', 'SCHEDBENCH_PATH'])(
    '%s is refused by name',
    (name) => {
      const result = run({ [name]: '/tmp/sec-evil' }, 'echo reached');
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`sec-test.sh: refusing parameter ${name} from the SSH environment`);
    },
  );
});
