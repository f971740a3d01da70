// The runner's state file holds no secret in clear. Inputs and outputs are sealed (AES-256-GCM,
// a key from PULUMI_CONFIG_PASSPHRASE or a 0600 key file outside the project); clear-text files still load.
import { createHash } from 'crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'fs';
import { tmpdir, userInfo } from 'os';
import * as path from 'path';
import {
  keyDirectory,
  keyFilePath,
  readState,
  removeState,
  StateFile,
  writeState,
} from '../../../cli/runner/state';

/** The state module as a fresh process has it (no key cached from this one's writes). */
function freshState(): typeof import('../../../cli/runner/state') {
  let fresh: typeof import('../../../cli/runner/state') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fresh = require('../../../cli/runner/state') as typeof import('../../../cli/runner/state');
  });
  if (fresh === undefined) throw new Error('no module');
  return fresh;
}

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
    const key = keyFilePath(file) ?? '';
    expect(key).not.toBe(''); // the state file names its key
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
    expect(keyFilePath(file)).toBeUndefined(); // no key file when a passphrase is used
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

  it("a failed step's error text is sealed with the values, and comes back (#29 low)", () => {
    const file = path.join(dir, 'sec-e.json');
    const state = sample('sec-e');
    const record = state.resources['urn:a'];
    if (record === undefined) throw new Error('no record');
    record.status = 'failed';
    record.error = 'sec-failure-text: mysql -psec-db-password failed';
    writeState(file, state);
    expect(readFileSync(file, 'utf8')).not.toContain('sec-failure-text');
    expect(readFileSync(file, 'utf8')).not.toContain('sec-db-password');
    expect(freshState().readState(file, 'schedbench', 'sec-e').resources['urn:a']?.error).toBe(
      'sec-failure-text: mysql -psec-db-password failed',
    );
  });
});

describe('the state key file (#29 N11)', () => {
  it('is named by an id the state records: a moved or renamed clone still opens its state, and destroy removes the key', () => {
    const clone = (name: string) => path.join(dir, name, '.schedbench', 'state', 'sec-m.json');
    mkdirSync(path.join(dir, 'clone-a'));
    writeState(clone('clone-a'), sample('sec-m'));
    renameSync(path.join(dir, 'clone-a'), path.join(dir, 'clone-b'));
    const fresh = freshState();
    expect(fresh.readState(clone('clone-b'), 'schedbench', 'sec-m')).toEqual(sample('sec-m'));
    expect(readdirSync(path.join(dir, 'keys'))).toHaveLength(1);
    fresh.removeState(clone('clone-b'));
    expect(readdirSync(path.join(dir, 'keys'))).toEqual([]);
  });

  it('lives in the home directory of the password database, whatever $HOME says (sudo vs sudo -H)', () => {
    delete process.env.SCHEDBENCH_KEY_DIR;
    process.env.HOME = path.join(dir, 'another-home');
    expect(keyDirectory()).toBe(path.join(userInfo().homedir, '.schedbench', 'keys'));
    process.env.SCHEDBENCH_KEY_DIR = path.join(dir, 'keys');
    expect(keyDirectory()).toBe(path.join(dir, 'keys'));
  });

  it("a state file of an earlier version (key named by the path's hash) still opens and then records its key id", () => {
    const file = path.join(dir, 'project', '.schedbench', 'state', 'sec-l.json');
    writeState(file, sample('sec-l'));
    const disk = JSON.parse(readFileSync(file, 'utf8')) as { encryption: { keyId?: string } };
    const keyId = disk.encryption.keyId ?? '';
    const legacyId = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 24);
    renameSync(path.join(dir, 'keys', `${keyId}.key`), path.join(dir, 'keys', `${legacyId}.key`));
    delete disk.encryption.keyId;
    writeFileSync(file, JSON.stringify(disk));
    const fresh = freshState();
    const state = fresh.readState(file, 'schedbench', 'sec-l');
    expect(state).toEqual(sample('sec-l'));
    fresh.writeState(file, state);
    expect(fresh.keyFilePath(file)).toBe(path.join(dir, 'keys', `${legacyId}.key`));
  });
});
