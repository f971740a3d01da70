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
