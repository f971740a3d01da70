// The host's apt sources, parsed: they name the Debian mirror an image build uses when the stack names none.
// Pure: the text of sources.list (one-line format) or of a sources.list.d file (one-line *.list, deb822 *.sources)
// → source entries; host-mirror.ts reads the files.
import { z } from 'zod';

/** An http(s) URL of a Debian mirror, as mmdebstrap takes it. */
export const DebianMirrorUrl = z
  .string()
  .regex(/^https?:\/\/[A-Za-z0-9.:/_~+-]+$/, { message: 'must be an http(s) URL of a Debian mirror' });

/** One source entry of apt: where it fetches which suites' components from. */
export interface AptSource {
  /** `deb` (binary packages) and/or `deb-src`. */
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
}

/** How a sources.list.d file is read, by its name, as apt does; undefined for a file apt ignores (`x.list.disabled`). */
export function sourcesFormat(fileName: string): 'one-line' | 'deb822' | undefined {
  const m = /^[A-Za-z0-9_.-]+\.(list|sources)$/.exec(fileName);
  return m === null ? undefined : m[1] === 'list' ? 'one-line' : 'deb822';
}

/** The one-line format: `deb [options] URI SUITE [COMPONENT…]` a line; `#` comments out the rest of a line. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(deb|deb-src)\s+(?:\[[^\]]*\]\s*)?(\S+)\s+(\S+)(.*)$/.exec(line.replace(/#.*/, ''));
    if (m === null) continue;
    sources.push({ types: [m[1]], uris: [m[2]], suites: [m[3]], components: fieldWords(m[4]) });
  }
  return sources;
}

const words = z.string().transform(fieldWords);

/** The fields of a deb822 stanza that name a source (names lower-cased); a stanza without them is not one. */
const Deb822Stanza = z.object({
  types: words,
  uris: words,
  suites: words,
  components: words.default([]),
  enabled: z
    .string()
    .transform((v) => !/^(no|false|0)$/i.test(v.trim()))
    .default(true),
});

/**
 * deb822 (sources.list.d/*.sources): stanzas of `Field: value` separated by blank lines; a line starting with `#` is
 * a comment, one starting with a space or tab continues the field above; `Enabled: no` turns a stanza off.
 */
export function parseDeb822Sources(text: string): AptSource[] {
  const stanzas: Record<string, string>[] = [];
  let fields: Record<string, string> = {};
  let last: string | undefined;
  for (const line of [...text.split('\n'), '']) {
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      if (Object.keys(fields).length > 0) stanzas.push(fields);
      fields = {};
      last = undefined;
    } else if (/^[ \t]/.test(line)) {
      if (last !== undefined) fields[last] += ` ${line.trim()}`;
    } else {
      const m = /^([A-Za-z0-9-]+):(.*)$/.exec(line);
      last = m?.[1].toLowerCase();
      if (m !== null) fields[m[1].toLowerCase()] = m[2].trim();
    }
  }
  return stanzas.flatMap((stanza) => {
    const parsed = Deb822Stanza.safeParse(stanza);
    if (!parsed.success || !parsed.data.enabled) return [];
    const { types, uris, suites, components } = parsed.data;
    return [{ types, uris, suites, components }];
  });
}

/**
 * The Debian mirror of `suite` these sources name: the URI (without a trailing slash) of the first `deb` entry whose
 * suites include `suite` and whose components include main, over http(s); undefined when no entry has one.
 */
export function debianMirrorFrom(sources: readonly AptSource[], suite: string): string | undefined {
  for (const source of sources) {
    if (
      !source.types.includes('deb') ||
      !source.suites.includes(suite) ||
      !source.components.includes('main')
    )
      continue;
    for (const uri of source.uris) {
      const mirror = uri.replace(/\/+$/, '');
      if (DebianMirrorUrl.safeParse(mirror).success) return mirror;
    }
  }
  return undefined;
}

function fieldWords(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== '');
}
