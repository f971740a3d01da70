// The Debian mirror an image build uses: the one the stack or the environment names, else the host's own — the
// first deb entry of its apt sources for the suite, with main. Used by the libvirt base image and the Kubernetes
// build; no mirror is named anywhere in the code.
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import {
  AptSource,
  DebianMirrorUrl,
  debianMirrorFrom,
  parseDeb822Sources,
  parseOneLineSources,
  sourcesFormat,
} from './apt-sources';

/** Where apt keeps sources.list and sources.list.d/. */
export const HOST_APT_DIR = '/etc/apt';

/** The source entries of the apt configuration in `aptDir`, in apt's order: sources.list, then sources.list.d/ by name. */
export function readAptSources(aptDir: string = HOST_APT_DIR): AptSource[] {
  const list = path.join(aptDir, 'sources.list');
  const sources = existsSync(list) ? parseOneLineSources(readFileSync(list, 'utf8')) : [];
  const dir = path.join(aptDir, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const file of files) {
    const format = sourcesFormat(file);
    if (format === undefined) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    sources.push(...(format === 'deb822' ? parseDeb822Sources(text) : parseOneLineSources(text)));
  }
  return sources;
}

/** What asks for a mirror: the value configured (if any), the suite to build, and the setting that configures it. */
export interface MirrorRequest {
  /** The configured mirror; undefined or empty: the host's. */
  override: string | undefined;
  /** The Debian suite being built (e.g. bookworm). */
  suite: string;
  /** The setting users give a mirror with, for messages (a config key, an environment variable, an option). */
  setting: string;
}

/** The mirror for `request`: its override, else the host's apt sources'; fails, naming the setting, when neither has one. */
export function debianMirror(request: MirrorRequest, aptDir: string = HOST_APT_DIR): string {
  const { override, suite, setting } = request;
  if (override !== undefined && override !== '') {
    const parsed = DebianMirrorUrl.safeParse(override);
    if (!parsed.success)
      throw new Error(`${setting}: ${parsed.error.issues[0]?.message ?? 'invalid'}, got ${override}`);
    return parsed.data;
  }
  const mirror = debianMirrorFrom(readAptSources(aptDir), suite);
  if (mirror === undefined)
    throw new Error(
      `no Debian mirror for ${suite}: the host's apt sources (${aptDir}/sources.list, ${aptDir}/sources.list.d/) ` +
        `have no enabled deb entry for ${suite} with main over http(s); set ${setting} to a Debian mirror's URL`,
    );
  return mirror;
}
