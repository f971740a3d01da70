// The local runner's state file: what it created, with the inputs needed to delete it, written after every
// step (atomically, mode 0600) so `destroy` works after a crash. Resource inputs and outputs hold secrets (the
// cluster's private key, host keys, passwords): on disk they are sealed with AES-256-GCM, as Pulumi's passphrase
// secrets provider seals secret values — the key is PBKDF2-SHA256 of PULUMI_CONFIG_PASSPHRASE (or of the file
// PULUMI_CONFIG_PASSPHRASE_FILE names) with a salt kept in the state, or else a random key in a 0600 file outside
// the project (root's ~/.schedbench/keys/), named by an id the state file records — not by where the state file
// is, so a moved or renamed clone, or another $HOME (`sudo` vs `sudo -H`), still opens it. Only names, types,
// status and order stay readable; a failed step's error text is sealed too. Clear-text state files of earlier
// versions still load; the next write seals them.
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from 'crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { z } from 'zod';

export const ResourceState = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  parent: z.string(),
  custom: z.boolean(),
  /** creating: started, not known to have finished (a crash); created: done; failed: its create failed. */
  status: z.enum(['creating', 'created', 'failed']),
  /** Inputs with secrets unwrapped (sealed on disk). */
  inputs: z.record(z.string(), z.unknown()),
  /** SHA-256 of the canonical inputs: equal → the resource is unchanged. */
  inputsHash: z.string(),
  outputs: z.record(z.string(), z.unknown()),
  /** Creation order; destroy goes in reverse. */
  seq: z.number().int(),
  error: z.string().optional(),
  durationMs: z.number().optional(),
});
export type ResourceState = z.infer<typeof ResourceState>;

export const StateFile = z.object({
  version: z.literal(1),
  stack: z.string(),
  project: z.string(),
  nextSeq: z.number().int(),
  resources: z.record(z.string(), ResourceState),
});
export type StateFile = z.infer<typeof StateFile>;

/**
 * A resource as written: inputs, outputs and error sealed together in `sealed` (`v1:<nonce>:<ciphertext+tag>`).
 * (Files of earlier versions kept `error` in clear beside it: still read.)
 */
const SealedResource = ResourceState.omit({ inputs: true, outputs: true }).extend({ sealed: z.string() });
const SealedValues = z.object({
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
});

/** How the state's values are sealed: the key's source and, for a passphrase, PBKDF2's salt. */
const Encryption = z.object({
  provider: z.enum(['passphrase', 'keyfile']),
  /** base64 salt of PBKDF2 (passphrase) — as Pulumi's `encryptionsalt`. */
  salt: z.string(),
  /** A known text sealed with the key: a wrong passphrase or key file is reported as such. */
  check: z.string(),
  /** keyfile: the key file's name, `<keyId>.key` in the key directory (absent in files of earlier versions). */
  keyId: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .optional(),
});
type Encryption = z.infer<typeof Encryption>;

const DiskFile = z.object({
  version: z.literal(1),
  stack: z.string(),
  project: z.string(),
  nextSeq: z.number().int(),
  encryption: Encryption.optional(),
  /** Clear-text resources (state files of earlier versions) or sealed ones. */
  resources: z.record(z.string(), z.union([SealedResource, ResourceState])),
});

/** Pulumi's passphrase provider: PBKDF2-SHA256, 1,000,000 iterations, 256-bit key; AES-256-GCM per value. */
const PBKDF2_ITERATIONS = 1_000_000;
const CHECK_TEXT = 'schedbench-state';

export function statePath(projectDir: string, stack: string): string {
  return path.join(projectDir, '.schedbench', 'state', `${stack}.json`);
}

/**
 * Where generated keys live: SCHEDBENCH_KEY_DIR, else `.schedbench/keys` in the home directory the password
 * database gives this user — not $HOME, which `sudo` keeps and `sudo -H` changes.
 */
export function keyDirectory(): string {
  const configured = process.env.SCHEDBENCH_KEY_DIR;
  if (configured !== undefined && configured !== '') return configured;
  let home: string;
  try {
    home = os.userInfo().homedir;
  } catch {
    home = os.homedir(); // no password database entry (a container's arbitrary uid)
  }
  return path.join(home, '.schedbench', 'keys');
}

/** The key file of a key id. */
export function keyFileOf(keyId: string): string {
  return path.join(keyDirectory(), `${keyId}.key`);
}

/** How earlier versions named a state file's key: a hash of its absolute path (read only, never made). */
function legacyKeyId(stateFile: string): string {
  return createHash('sha256').update(path.resolve(stateFile)).digest('hex').slice(0, 24);
}

/** The key file a state file's encryption record names, if it has one (for tests and messages). */
export function keyFilePath(stateFile: string): string | undefined {
  const parsed = DiskFile.safeParse(JSON.parse(readFileSync(stateFile, 'utf8')));
  const keyId = parsed.success ? parsed.data.encryption?.keyId : undefined;
  return keyId === undefined ? undefined : keyFileOf(keyId);
}

function passphrase(): string | undefined {
  const direct = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (direct !== undefined) return direct;
  const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return file === undefined ? undefined : readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}

const derived = new Map<string, Buffer>();

function passphraseKey(secret: string, salt: string): Buffer {
  const id = createHash('sha256').update(`${salt}\0${secret}`).digest('hex');
  let key = derived.get(id);
  if (key === undefined) {
    key = pbkdf2Sync(secret, Buffer.from(salt, 'base64'), PBKDF2_ITERATIONS, 32, 'sha256');
    derived.set(id, key);
  }
  return key;
}

function readKey(file: string): Buffer {
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: not a schedbench state key (64 hex digits)`);
  return Buffer.from(hex, 'hex');
}

/** A new random key in a new key file; its id goes into the state file. */
function newFileKey(): { key: Buffer; keyId: string } {
  const keyId = randomBytes(12).toString('hex');
  const file = keyFileOf(keyId);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, keyId };
}

/**
 * The key of a state file sealed with a key file. A file of an earlier version names no key id: its key is found
 * by the old name (a hash of the state file's path), in the key directory or under $HOME (where `sudo` without -H
 * put it), and moved into the key directory; its id is recorded at the next write.
 */
function existingFileKey(stateFile: string, keyId: string | undefined): { key: Buffer; keyId: string } {
  if (keyId !== undefined) {
    const file = keyFileOf(keyId);
    if (!existsSync(file))
      throw new Error(
        `${stateFile}: sealed with the key file ${file}, which is missing (set SCHEDBENCH_KEY_DIR if it is elsewhere, or PULUMI_CONFIG_PASSPHRASE if it was sealed with one)`,
      );
    return { key: readKey(file), keyId };
  }
  const legacy = legacyKeyId(stateFile);
  const target = keyFileOf(legacy);
  const candidates = [target, path.join(os.homedir(), '.schedbench', 'keys', `${legacy}.key`)];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined)
    throw new Error(
      `${stateFile}: sealed with a key file of an earlier version, named by the state file's path at the time (${legacy}.key), which is not in ${path.dirname(target)}: if the clone was moved, move it back once, run \`up\` or \`destroy\` (the state then records its key), and move it again; or set SCHEDBENCH_KEY_DIR`,
    );
  const key = readKey(found);
  if (found !== target) {
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    rmSync(found, { force: true });
  }
  return { key, keyId: legacy };
}

export function seal(key: Buffer, text: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString('base64')}:${body.toString('base64')}`;
}

export function unseal(key: Buffer, sealed: string): string {
  const [version, nonce, body] = sealed.split(':');
  if (version !== 'v1' || nonce === undefined || body === undefined) throw new Error('not a sealed value');
  const data = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

interface StateKey {
  key: Buffer;
  encryption: Encryption;
}

/** The key of a state file: the one it was sealed with (checked), or a new one for a file not sealed yet. */
function stateKey(file: string, existing: Encryption | undefined): StateKey {
  if (existing !== undefined) {
    let key: Buffer;
    let encryption = existing;
    if (existing.provider === 'passphrase') {
      const secret = passphrase();
      if (secret === undefined)
        throw new Error(
          `${file}: sealed with a passphrase; set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)`,
        );
      key = passphraseKey(secret, existing.salt);
    } else {
      const found = existingFileKey(file, existing.keyId);
      key = found.key;
      encryption = { ...existing, keyId: found.keyId };
    }
    try {
      if (unseal(key, existing.check) !== CHECK_TEXT) throw new Error('check text differs');
    } catch {
      throw new Error(
        `${file}: cannot unseal it: ${existing.provider === 'passphrase' ? 'wrong PULUMI_CONFIG_PASSPHRASE' : `the key in ${keyFileOf(encryption.keyId ?? '')} is not the one it was sealed with`}`,
      );
    }
    return { key, encryption };
  }
  const secret = passphrase();
  if (secret !== undefined) {
    const salt = randomBytes(8).toString('base64');
    const key = passphraseKey(secret, salt);
    return { key, encryption: { provider: 'passphrase', salt, check: seal(key, CHECK_TEXT) } };
  }
  const { key, keyId } = newFileKey();
  return { key, encryption: { provider: 'keyfile', salt: '', check: seal(key, CHECK_TEXT), keyId } };
}

/** The key each state file was read or first written with, so every later write of it reuses it. */
const keys = new Map<string, StateKey>();

export function readState(file: string, project: string, stack: string): StateFile {
  if (!existsSync(file)) return { version: 1, stack, project, nextSeq: 1, resources: {} };
  const parsed = DiskFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: not a schedbench runner state file (${parsed.error.issues[0]?.message ?? ''})`);
  const disk = parsed.data;
  const resources: Record<string, ResourceState> = {};
  let sealedKey: StateKey | undefined;
  for (const [urn, resource] of Object.entries(disk.resources)) {
    if (!('sealed' in resource)) {
      resources[urn] = resource; // clear text, from an earlier version: sealed at the next write
      continue;
    }
    if (disk.encryption === undefined) throw new Error(`${file}: sealed resources but no encryption record`);
    sealedKey ??= stateKey(file, disk.encryption);
    const { sealed, ...rest } = resource;
    const values = SealedValues.parse(JSON.parse(unseal(sealedKey.key, sealed)));
    const error = values.error ?? rest.error;
    resources[urn] = {
      ...rest,
      inputs: values.inputs,
      outputs: values.outputs,
      ...(error === undefined ? {} : { error }),
    };
  }
  if (disk.encryption !== undefined)
    keys.set(path.resolve(file), sealedKey ?? stateKey(file, disk.encryption));
  return { version: 1, stack: disk.stack, project: disk.project, nextSeq: disk.nextSeq, resources };
}

/**
 * A resource's sealed inputs and outputs, sealed again only when they are other objects than last time: the state
 * is written before and after every step, and sealing every resource's inputs (node scripts: tens of KB each)
 * each time would stall the runner between a run's stages.
 */
const sealedCache = new WeakMap<
  ResourceState,
  { inputs: unknown; outputs: unknown; error: string | undefined; key: Buffer; sealed: string }
>();
function sealedOf(record: ResourceState, key: Buffer): string {
  const cached = sealedCache.get(record);
  if (
    cached !== undefined &&
    cached.inputs === record.inputs &&
    cached.outputs === record.outputs &&
    cached.error === record.error &&
    cached.key === key
  )
    return cached.sealed;
  const values = { inputs: record.inputs, outputs: record.outputs, error: record.error };
  const sealed = seal(key, JSON.stringify(values));
  sealedCache.set(record, { ...values, key, sealed });
  return sealed;
}

export function writeState(file: string, state: StateFile): void {
  const id = path.resolve(file);
  let sealing = keys.get(id);
  if (sealing === undefined) {
    sealing = stateKey(file, undefined);
    keys.set(id, sealing);
  }
  const key = sealing.key;
  const resources = Object.fromEntries(
    Object.entries(state.resources).map(([urn, record]) => {
      const { inputs: _inputs, outputs: _outputs, error: _error, ...rest } = record;
      return [urn, { ...rest, sealed: sealedOf(record, key) }];
    }),
  );
  const disk = { ...state, encryption: sealing.encryption, resources };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(disk, null, 1)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Removes the state file and, once nothing is sealed with it any more, its key file. */
export function removeState(file: string): void {
  let keyFile: string | undefined;
  const keyId = keys.get(path.resolve(file))?.encryption.keyId;
  if (keyId !== undefined) keyFile = keyFileOf(keyId);
  else
    try {
      keyFile = keyFilePath(file); // not read in this process
    } catch {
      keyFile = undefined; // no state file (left): no key it names
    }
  rmSync(file, { force: true });
  if (keyFile !== undefined) rmSync(keyFile, { force: true });
  keys.delete(path.resolve(file));
}
