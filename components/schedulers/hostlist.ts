// Hostlists (`n[1-3,5],gpu7`), as SLURM and Flux both print node sets (Flux: RFC 29): one expansion for every
// scheduler's parser.

/** Expand a hostlist into names, zero-padding kept (`node[08-10]`); an empty text is no node. */
export function expandHostlist(text: string): string[] {
  const s = text.trim();
  if (s === '') return [];
  const names: string[] = [];
  // Split on commas that are outside brackets.
  const parts = s.match(/[^,[]+(?:\[[^\]]*\][^,[]*)*/g) ?? [];
  for (const part of parts) {
    const m = /^([^[]*)\[([^\]]+)\](.*)$/.exec(part);
    if (m === null) {
      names.push(part);
      continue;
    }
    const [, prefix, ranges, suffix] = m;
    for (const range of (ranges ?? '').split(',')) {
      const r = /^(\d+)(?:-(\d+))?$/.exec(range);
      if (r === null) throw new Error(`not a hostlist range: ${range} in ${text}`);
      const from = r[1] ?? '0';
      const to = r[2] ?? from;
      for (let i = Number(from); i <= Number(to); i++)
        names.push(`${prefix}${String(i).padStart(from.length, '0')}${suffix}`);
    }
  }
  return names;
}

/**
 * The shortest hostlist of `names` this writes: runs of names that differ only in a trailing number of one width
 * (`e0001 … e0512`) become one range (`e[0001-0512]`); other names stay as they are. expandHostlist gives `names`
 * back, in order.
 */
export function compressHostlist(names: readonly string[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < names.length) {
    const name = names[i] ?? '';
    const m = /^(.*?)(\d+)$/.exec(name);
    if (m === null || name.includes('[')) {
      parts.push(name);
      i++;
      continue;
    }
    const [, prefix = '', digits = ''] = m;
    let j = i + 1;
    while (j < names.length && names[j] === nextInSeries(names[j - 1] ?? '')) j++;
    const last = names[j - 1] ?? name;
    parts.push(j - i === 1 ? name : `${prefix}[${digits}-${last.slice(prefix.length)}]`);
    i = j;
  }
  return parts.join(',');
}

/** The name after `name` in a numbered series (`e0511` → `e0512`, `e9` → `e10`), or undefined when it has no number. */
export function nextInSeries(name: string): string | undefined {
  const m = /^(.*?)(\d+)$/.exec(name);
  if (m === null) return undefined;
  const [, prefix = '', digits = ''] = m;
  return `${prefix}${String(Number(digits) + 1).padStart(digits.length, '0')}`;
}
