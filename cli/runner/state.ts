// The local runner's state file: what it created, with the inputs needed to delete it, written after every
// step (atomically, mode 0600) so `destroy` works after a crash. Resource inputs and outputs hold secrets (the
// cluster's private key, host keys, passwords): on disk they are sealed with AES-256-GCM, as Pulumi's passphrase
// secrets provider seals secret values — the key is PBKDF2-SHA256 of PULUMI_CONFIG_PASSPHRASE (or of the file
// PULUMI_CONFIG_PASSPHRASE_FILE names) with a salt kept in the state, or else a random key in a 0600 file outside
// the project (~/.schedbench/keys/). Only names, types, status and order stay readable. Clear-text state files of
// earlier versions still load; the next write seals them.
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

/** A resource as written: inputs and outputs sealed together in `sealed` (`v1:<nonce>:<ciphertext+tag>`). */
const SealedResource = ResourceState.omit({ inputs: true, outputs: true }).extend({ sealed: z.string() });

/** How the state's values are sealed: the key's source and, for a passphrase, PBKDF2's salt. */
const Encryption = z.object({
  provider: z.enum(['passphrase', 'keyfile']),
  /** base64 salt of PBKDF2 (passphrase) — as Pulumi's `encryptionsalt`. */
  salt: z.string(),
  /** A known text sealed with the key: a wrong passphrase or key file is reported as such. */
  check: z.string(),
});

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

/** The random key of a state file when no passphrase is set: outside the project, root's only. */
export function keyFilePath(stateFile: string): string {
  const dir = process.env.SCHEDBENCH_KEY_DIR ?? path.join(os.homedir(), '.schedbench', 'keys');
  const id = createHash('sha256').update(path.resolve(stateFile)).digest('hex').slice(0, 24);
  return path.join(dir, `${id}.key`);
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

function fileKey(stateFile: string, create: boolean): Buffer {
  const file = keyFilePath(stateFile);
  if (!existsSync(file)) {
    if (!create)
      throw new Error(
        `${stateFile}: sealed with a key file, but ${file} is missing (set PULUMI_CONFIG_PASSPHRASE if it was sealed with one)`,
      );
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: not a schedbench state key (64 hex digits)`);
  return Buffer.from(hex, 'hex');
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
  encryption: z.infer<typeof Encryption>;
}

/** The key of a state file: the one it was sealed with (checked), or a new one for a file not sealed yet. */
function stateKey(file: string, existing: z.infer<typeof Encryption> | undefined): StateKey {
  if (existing !== undefined) {
    let key: Buffer;
    if (existing.provider === 'passphrase') {
      const secret = passphrase();
      if (secret === undefined)
        throw new Error(
          `${file}: sealed with a passphrase; set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)`,
        );
      key = passphraseKey(secret, existing.salt);
    } else {
      key = fileKey(file, false);
    }
    try {
      if (unseal(key, existing.check) !== CHECK_TEXT) throw new Error('check text differs');
    } catch {
      throw new Error(
        `${file}: cannot unseal it: ${existing.provider === 'passphrase' ? 'wrong PULUMI_CONFIG_PASSPHRASE' : `the key in ${keyFilePath(file)} is not the one it was sealed with`}`,
      );
    }
    return { key, encryption: existing };
  }
  const secret = passphrase();
  if (secret !== undefined) {
    const salt = randomBytes(8).toString('base64');
    const key = passphraseKey(secret, salt);
    return { key, encryption: { provider: 'passphrase', salt, check: seal(key, CHECK_TEXT) } };
  }
  const key = fileKey(file, true);
  return { key, encryption: { provider: 'keyfile', salt: '', check: seal(key, CHECK_TEXT) } };
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
    const values = z
      .object({ inputs: z.record(z.string(), z.unknown()), outputs: z.record(z.string(), z.unknown()) })
      .parse(JSON.parse(unseal(sealedKey.key, sealed)));
    resources[urn] = { ...rest, ...values };
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
  { inputs: unknown; outputs: unknown; key: Buffer; sealed: string }
>();
function sealedOf(record: ResourceState, key: Buffer): string {
  const cached = sealedCache.get(record);
  if (
    cached !== undefined &&
    cached.inputs === record.inputs &&
    cached.outputs === record.outputs &&
    cached.key === key
  )
    return cached.sealed;
  const sealed = seal(key, JSON.stringify({ inputs: record.inputs, outputs: record.outputs }));
  sealedCache.set(record, { inputs: record.inputs, outputs: record.outputs, key, sealed });
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
      const { inputs: _inputs, outputs: _outputs, ...rest } = record;
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
  rmSync(file, { force: true });
  rmSync(keyFilePath(file), { force: true });
  keys.delete(path.resolve(file));
}
