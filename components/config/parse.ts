// Raw stack config (Pulumi's `namespace:key` map) → BenchConfig, or every error at once, each naming the
// key path, the value given and what is allowed.
import { z } from 'zod';
import { BenchConfig, BenchConfigSchema, DEFAULT_PROFILES } from './schema';
import { HOST_PROFILE, hostProfile } from './host-profile';
import { thisHost, type HostFacts } from '../nodes/host-facts';
import { clusterNameFor, stackNameProblem } from './names';
import { keysAt } from './shape';
import { nearest } from './suggest';
import { withLogDigests } from '../../workloads/expand';

export const NAMESPACE = 'schedbench';

export interface ConfigError {
  /** Key path as the user writes it in the stack file, e.g. `schedbench:backend.subnet`. */
  key: string;
  /** The value given, as JSON (or `(missing)`). */
  value: string;
  /** What is wrong and what is allowed. */
  message: string;
}

export type ConfigResult = { ok: true; config: BenchConfig } | { ok: false; errors: ConfigError[] };

/** Render a zod path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || typeof key === 'symbol') return undefined;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Pulumi passes structured values as JSON strings; YAML gives them parsed. Accept both. */
function decodeValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^-?\d+(\.\d+)?$/.test(trimmed) || trimmed === 'true' || trimmed === 'false') {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

export { clusterNameFor } from './names';

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const given = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const guess = typeof given === 'string' ? nearest(given, allowed) : undefined;
      return `allowed: ${allowed.join(', ')}${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`;
    }
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) {
        return `allowed: ${issue.options.map((v) => String(v)).join(', ')}`;
      }
      return issue.message;
    case 'invalid_type':
      // A schema's own message (e.g. how to find a host key) says more than zod's default.
      if (!issue.message.startsWith('Invalid input')) return issue.message;
      return given === undefined ? `required (${issue.expected})` : `expected ${issue.expected}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_key': {
      const inner = issue.issues[0];
      return `invalid key: ${inner !== undefined ? inner.message : issue.message}`;
    }
    default:
      return issue.message;
  }
}

function toErrors(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(BenchConfigSchema, issue.path, input);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const guess = nearest(key, valid);
        errors.push({
          key: `${NAMESPACE}:${formatPath(path)}`,
          value: show(valueAt(input, path)),
          message: `unknown key${guess !== undefined ? `; did you mean "${NAMESPACE}:${formatPath([...issue.path, guess])}"?` : ''} (allowed here: ${valid.join(', ')})`,
        });
      }
      continue;
    }
    errors.push({
      key: `${NAMESPACE}:${formatPath(issue.path)}`,
      value: show(valueAt(input, issue.path)),
      message: describe(issue, input) + misspeltHint(issue.path, input),
    });
  }
  return errors;
}

/**
 * A required key reported missing is often there under a misspelt name (`typx` for `type`): name that key.
 * Candidates are the keys the object has that the schema does not know there.
 */
function misspeltHint(path: readonly PropertyKey[], input: unknown): string {
  const missing = path[path.length - 1];
  if (typeof missing !== 'string' || valueAt(input, path) !== undefined) return '';
  const parentPath = path.slice(0, -1);
  const parent = valueAt(input, parentPath);
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return '';
  const known = new Set(keysAt(BenchConfigSchema, parentPath, input));
  const unknown = Object.keys(parent).filter((k) => !known.has(k) && k !== missing);
  const guess = nearest(missing, unknown);
  if (guess === undefined) return '';
  return `; ${NAMESPACE}:${formatPath([...parentPath, guess])} is given: did you mean "${missing}"?`;
}

/** Namespaces of the stack file that look like a misspelling of ours (`schedbnch:`), which would be ignored. */
function nearMissNamespace(namespace: string): boolean {
  return namespace !== NAMESPACE && nearest(namespace, [NAMESPACE]) !== undefined;
}

/**
 * Validate a stack's raw config. `raw` maps `namespace:key` (or bare `key`, Pulumi's project namespace) to a value;
 * keys of other namespaces (providers') are left to their owners.
 */
export function parseConfig(
  raw: Record<string, unknown>,
  stack: string,
  /** The machine netns nodes share (the `host` profile is sized from it); read when needed. */
  host: () => HostFacts = thisHost,
): ConfigResult {
  const input: Record<string, unknown> = {};
  const spelling = new Map<string, string>();
  const errors: ConfigError[] = [];
  const stackProblem = stackNameProblem(stack);
  if (stackProblem !== undefined) errors.push({ key: 'stack', value: show(stack), message: stackProblem });
  for (const [fullKey, value] of Object.entries(raw)) {
    const colon = fullKey.indexOf(':');
    const namespace = colon < 0 ? NAMESPACE : fullKey.slice(0, colon);
    if (nearMissNamespace(namespace)) {
      errors.push({
        key: fullKey,
        value: show(value),
        message: `unknown namespace "${namespace}"; did you mean "${NAMESPACE}:${fullKey.slice(colon + 1)}"? (it would be ignored)`,
      });
      continue;
    }
    if (namespace !== NAMESPACE) continue;
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    const earlier = spelling.get(key);
    if (earlier !== undefined) {
      errors.push({
        key: fullKey,
        value: show(value),
        message: `given twice, as "${earlier}" and as "${fullKey}"; keep one`,
      });
      continue;
    }
    spelling.set(key, fullKey);
    input[key] = decodeValue(value);
  }
  errors.push(...withHostProfile(input, host));
  const result = BenchConfigSchema.safeParse(input);
  if (!result.success) errors.push(...toErrors(result.error.issues, input));
  if (!result.success || errors.length > 0) return { ok: false, errors };
  const { clusterName, workloadDefinitions, ...rest } = result.data;
  return {
    ok: true,
    config: {
      ...rest,
      workloadDefinitions: withLogDigests(workloadDefinitions),
      clusterName: clusterName ?? clusterNameFor(stack),
      stack,
    },
  };
}

/**
 * The `host` profile, where the stack names it (as its profile or a workload's) without defining it: sized from
 * the machine netns nodes share, added to the stack's profiles (so the config snapshot and hash record it).
 * Elsewhere (VMs, existing hosts) there is no machine to size it from: the stack must define it.
 */
function withHostProfile(input: Record<string, unknown>, host: () => HostFacts): ConfigError[] {
  const named =
    input.profile === HOST_PROFILE ||
    (isRecord(input.workloadProfiles) && Object.values(input.workloadProfiles).includes(HOST_PROFILE));
  const given = input.profiles === undefined ? DEFAULT_PROFILES : input.profiles;
  if (!named || !isRecord(given) || given[HOST_PROFILE] !== undefined) return [];
  const backend = isRecord(input.backend) ? input.backend.type : undefined;
  if (backend !== 'netns')
    return [
      {
        key: `${NAMESPACE}:profile`,
        value: show(HOST_PROFILE),
        message: `the ${HOST_PROFILE} profile is sized from the machine netns nodes share; with backend ${show(backend)} define schedbench:profiles.${HOST_PROFILE} (nodes, vcpus, memoryGiB)`,
      },
    ];
  input.profiles = { ...given, [HOST_PROFILE]: hostProfile(host()) };
  return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One line per error, for terminals and exceptions. */
export function formatErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `  ${e.key} = ${e.value}: ${e.message}`).join('\n');
}

export class ConfigValidationError extends Error {
  constructor(
    readonly stack: string,
    readonly errors: readonly ConfigError[],
  ) {
    super(
      `invalid config for stack ${stack} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${formatErrors(errors)}`,
    );
    this.name = 'ConfigValidationError';
  }
}

/** parseConfig, throwing every error at once. */
export function loadConfig(raw: Record<string, unknown>, stack: string): BenchConfig {
  const result = parseConfig(raw, stack);
  if (!result.ok) throw new ConfigValidationError(stack, result.errors);
  return result.config;
}
