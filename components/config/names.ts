// Names that end up in hostnames, file paths, interface names or scripts: a closed, safe alphabet.
import { createHash } from 'crypto';
import { z } from 'zod';

/** Lower-case letter first, then letters, digits and inner hyphens; at most 20 characters. */
export const SAFE_NAME = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;

export const safeName = (what: string) =>
  z.string().regex(SAFE_NAME, {
    message: `${what} must be 1–20 characters of a-z, 0-9 and inner '-', starting with a letter`,
  });

/** A relative or absolute path of plain characters (no spaces, quotes, `$`, `;`, backticks or `..`). */
export const SAFE_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_./+-]+$/;

export const safePath = (what: string) =>
  z.string().regex(SAFE_PATH, {
    message: `${what} must be a path of letters, digits and _ . / + - (no spaces, quotes, '$', ';' or '..')`,
  });

/** IPv4 CIDR with a prefix between /16 and /28. */
export const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(1[6-9]|2[0-8])$/;

export const ipv4Cidr = (what: string) =>
  z
    .string()
    .regex(IPV4_CIDR, { message: `${what} must be an IPv4 network like 10.213.7.0/24 (prefix /16 to /28)` });

/** The longest stack name schedbench accepts. */
export const MAX_STACK_NAME = 100;

/** A Pulumi stack name as schedbench accepts it: it ends up in state, result and lock paths. */
export const STACK_NAME = new RegExp(`^[A-Za-z0-9_.-]{1,${MAX_STACK_NAME}}$`);

/** Why a stack name is refused, or undefined when it is fine. */
export function stackNameProblem(stack: string): string | undefined {
  if (!STACK_NAME.test(stack))
    return `stack name ${JSON.stringify(stack)} must be 1–${MAX_STACK_NAME} characters of A-Z, a-z, 0-9, '_', '.' and '-'`;
  if (stack.includes('..') || stack === '.')
    return `stack name ${JSON.stringify(stack)} must not be '.' or contain '..'`;
  return undefined;
}

/** Throws (naming the stack) unless the stack name is safe to use in paths. */
export function assertStackName(stack: string): string {
  const problem = stackNameProblem(stack);
  if (problem !== undefined) throw new Error(problem);
  return stack;
}

/**
 * Default cluster name of a stack: lower-case, safe characters, starts with a letter, ≤ 20 characters. When
 * that is not the stack name itself (`a_b`, `A-B` and `a.b` would all give `a-b`), six hex digits of SHA-256
 * of the stack name are appended, so different stacks never share a cluster (and never tear each other down).
 */
export function clusterNameFor(stack: string): string {
  let name = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `sb-${name}`.replace(/-+$/, '');
  if (name === stack && SAFE_NAME.test(name)) return name;
  const tag = createHash('sha256').update(stack).digest('hex').slice(0, 6);
  const stem = name.slice(0, 20 - tag.length - 1).replace(/-+$/, '');
  return `${stem}-${tag}`;
}
