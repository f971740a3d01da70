// The engine's generated secrets passphrase (#29, low): a 0600 file in the key directory, not beside the state it
// protects; found again from a moved clone; one left beside the backend by an earlier version moves there.
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
import { tmpdir } from 'os';
import * as path from 'path';
import { engineDir, engineEnv } from '../../../cli/engine/drive';

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sec-engine-'));
  process.env.SCHEDBENCH_KEY_DIR = path.join(dir, 'keys');
  delete process.env.PULUMI_CONFIG_PASSPHRASE;
  delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  delete process.env.PULUMI_BACKEND_URL;
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

const within = (file: string, parent: string) => !path.relative(parent, file).startsWith('..');

describe('the engine’s generated passphrase', () => {
  it('is a 0600 file in the key directory, not beside the backend (the state it protects)', () => {
    const project = path.join(dir, 'clone');
    const { env } = engineEnv(project, { built: false });
    const file = env.PULUMI_CONFIG_PASSPHRASE_FILE ?? '';
    expect(within(file, path.join(dir, 'keys'))).toBe(true);
    expect(within(file, project)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(readdirSync(engineDir(project))).not.toContain('passphrase');
  });

  it('is the same one after the clone moved', () => {
    const first = engineEnv(path.join(dir, 'clone'), { built: false }).env.PULUMI_CONFIG_PASSPHRASE_FILE;
    renameSync(path.join(dir, 'clone'), path.join(dir, 'moved'));
    const again = engineEnv(path.join(dir, 'moved'), { built: false }).env.PULUMI_CONFIG_PASSPHRASE_FILE;
    expect(again).toBe(first);
  });

  it('one an earlier version generated beside the backend moves to the key directory, unchanged', () => {
    const project = path.join(dir, 'clone');
    mkdirSync(engineDir(project), { recursive: true });
    writeFileSync(path.join(engineDir(project), 'passphrase'), 'sec-old-passphrase\n', { mode: 0o600 });
    const { env, notes } = engineEnv(project, { built: false });
    expect(readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE ?? '', 'utf8')).toBe('sec-old-passphrase\n');
    expect(readdirSync(engineDir(project))).not.toContain('passphrase');
    expect(notes.join('\n')).toMatch(/moved from .*passphrase/);
  });

  it('is not generated when the user gives one', () => {
    process.env.PULUMI_CONFIG_PASSPHRASE = 'sec-given';
    const { env } = engineEnv(path.join(dir, 'clone'), { built: false });
    expect(env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
  });
});
