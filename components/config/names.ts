// Names that end up in hostnames, file paths, interface names or scripts: a closed, safe alphabet.
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
