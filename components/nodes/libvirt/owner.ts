// Which stack a libvirt domain or network belongs to: `<cluster>@<stack>`, written into its definition's metadata
// when it is made (domainXml.ts, networkXml.ts) and read back by the scripts (scripts/lib.sh, the same namespace)
// and by `schedbench doctor` (components/nodes/leftovers.ts). A name alone proves nothing: two stacks may name the
// same cluster, and anyone with libvirt access may call a domain `schedbench-…`.
import { xmlEscape } from './xml';

/** The XML namespace of schedbench's metadata element (a name only: nothing is fetched from it). */
export const OWNER_XMLNS = 'https://schedbench.invalid/xmlns/libvirt/owner/1';

/** The owner tag of a cluster's libvirt objects. */
export function libvirtOwner(cluster: string, stack: string): string {
  return `${cluster}@${stack}`;
}

/** The `<metadata>` element carrying the owner, indented as a child of `<domain>` or `<network>`. */
export function ownerMetadataXml(owner: string): string[] {
  return [
    '  <metadata>',
    `    <schedbench:owner xmlns:schedbench='${OWNER_XMLNS}'>${xmlEscape(owner)}</schedbench:owner>`,
    '  </metadata>',
  ];
}

/** The owner recorded in a domain's or network's XML (as `virsh dumpxml` prints it), or undefined. */
export function ownerInXml(xml: string): { cluster: string; stack: string } | undefined {
  const escaped = OWNER_XMLNS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(
    `<schedbench:owner xmlns:schedbench=["']${escaped}["']>([^<@]+)@([^<]+)</schedbench:owner>`,
  ).exec(xml);
  if (match === null) return undefined;
  return { cluster: match[1] ?? '', stack: match[2] ?? '' };
}
