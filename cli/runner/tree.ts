// The resource tree of a run (type, name, parent), as `preview` prints it.
import type { ResourceMeta } from './engine';

export function renderTree(resources: readonly ResourceMeta[], status: (urn: string) => string): string {
  const children = new Map<string, ResourceMeta[]>();
  for (const r of resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  // A component exists when every command below it does.
  const exists = (r: ResourceMeta): boolean =>
    r.custom ? status(r.urn) === '=' : (children.get(r.urn) ?? []).every((child) => exists(child));
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(
        `${r.custom ? status(r.urn) : exists(r) ? '=' : '+'} ${'  '.repeat(depth)}${r.type}  ${r.name}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}
