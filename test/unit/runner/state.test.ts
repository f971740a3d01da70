// The runner's state file holds no secret in clear. Inputs and outputs are sealed (AES-256-GCM,
// a key from PULUMI_CONFIG_PASSPHRASE or a 0600 key file outside the project); clear-text files still load.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { keyFilePath, readState, removeState, StateFile, writeState } from '../../../cli/runner/state';

const PRIVATE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nsec-secret-material\n-----END OPENSSH PRIVATE KEY-----';

function sample(stack: string): StateFile {
  return {
    version: 1,
    stack,
    project: 'schedbench',
    nextSeq: 2,
    resources: {
      'urn:a': {
        urn: 'urn:a',
        type: 'command:remote:Command',
        name: 'sec-n1-validate',
        parent: 'urn:p',
        custom: true,
        status: 'created',
        inputs: { connection: { host: '10.0.0.1', privateKey: PRIVATE_KEY }, stdin: 'sec-db-password' },
        inputsHash: 'h',
        outputs: { stdout: 'sec-munge-key' },
        seq: 1,
      },
    },
  };
}

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sec-state-'));
  process.env.SCHEDBENCH_KEY_DIR = path.join(dir, 'keys');
  delete process.env.PULUMI_CONFIG_PASSPHRASE;
  delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('runner state at rest', () => {
  it('with a generated key file: no secret in the state file, the key 0600 outside it, values come back', () => {
    const file = path.join(dir, 'project', '.schedbench', 'state', 'sec-a.json');
    writeState(file, sample('sec-a'));
    const text = readFileSync(file, 'utf8');
    for (const secret of ['sec-secret-material', 'PRIVATE KEY', 'sec-db-password', 'sec-munge-key'])
      expect(text).not.toContain(secret);
    expect(text).toContain('sec-n1-validate'); // names and status stay readable
    const key = keyFilePath(file);
    expect(key.startsWith(path.join(dir, 'keys'))).toBe(true);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readState(file, 'schedbench', 'sec-a')).toEqual(sample('sec-a'));
    removeState(file);
    expect(() => statSync(key)).toThrow();
  });

  it('with PULUMI_CONFIG_PASSPHRASE: sealed as Pulumi does; a wrong passphrase is refused by name', () => {
    process.env.PULUMI_CONFIG_PASSPHRASE = 'sec passphrase';
    const file = path.join(dir, 'sec-b.json');
    writeState(file, sample('sec-b'));
    const disk = JSON.parse(readFileSync(file, 'utf8')) as { encryption: { provider: string; salt: string } };
    expect(disk.encryption.provider).toBe('passphrase');
    expect(readFileSync(file, 'utf8')).not.toContain('sec-secret-material');
    expect(() => statSync(keyFilePath(file))).toThrow(); // no key file when a passphrase is used
    jest.isolateModules(() => {
      // A fresh process (no cached key) with the wrong passphrase.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../cli/runner/state') as typeof import('../../../cli/runner/state');
      process.env.PULUMI_CONFIG_PASSPHRASE = 'wrong';
      expect(() => fresh.readState(file, 'schedbench', 'sec-b')).toThrow(/wrong PULUMI_CONFIG_PASSPHRASE/);
      delete process.env.PULUMI_CONFIG_PASSPHRASE;
      expect(() => fresh.readState(file, 'schedbench', 'sec-b')).toThrow(/set PULUMI_CONFIG_PASSPHRASE/);
      process.env.PULUMI_CONFIG_PASSPHRASE = 'sec passphrase';
      expect(fresh.readState(file, 'schedbench', 'sec-b')).toEqual(sample('sec-b'));
    });
  });

  it('a clear-text state file of an earlier version loads, and is sealed at the next write', () => {
    const file = path.join(dir, 'sec-c.json');
    writeFileSync(file, JSON.stringify(sample('sec-c')), { mode: 0o600 });
    const state = readState(file, 'schedbench', 'sec-c');
    expect(state).toEqual(sample('sec-c'));
    writeState(file, state);
    expect(readFileSync(file, 'utf8')).not.toContain('sec-secret-material');
    expect(readState(file, 'schedbench', 'sec-c')).toEqual(sample('sec-c'));
  });

  it('a resource is sealed again only when its inputs or outputs change, and what is read back is the latest', () => {
    const file = path.join(dir, 'sec-d.json');
    const state = sample('sec-d');
    const sealed = () =>
      (JSON.parse(readFileSync(file, 'utf8')) as { resources: Record<string, { sealed: string }> }).resources[
        'urn:a'
      ]?.sealed;
    writeState(file, state);
    const first = sealed();
    writeState(file, state);
    // Sealing draws a fresh nonce: the same text means the resource was not sealed again.
    expect(sealed()).toBe(first);
    const record = state.resources['urn:a'];
    if (record === undefined) throw new Error('no record');
    record.outputs = { stdout: 'sec-new-output' };
    writeState(file, state);
    expect(sealed()).not.toBe(first);
    expect(readState(file, 'schedbench', 'sec-d').resources['urn:a']?.outputs).toEqual({
      stdout: 'sec-new-output',
    });
  });
});
