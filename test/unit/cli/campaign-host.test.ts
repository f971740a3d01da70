// What a campaign refuses to share the host with (cli/commands/campaign.ts foreignClusters): another cluster's node
// namespaces with processes in them, or its VMs; empty namespaces an interrupted run left cost no CPU and are only
// named. The namespace check is a parameter: here a stand-in, in test/e2e/campaign a real namespace.
import { foreignClusters } from '../../../cli/commands/campaign';
import type { Leftover } from '../../../components/nodes/leftovers';

const netns = (id: string): Leftover => ({ kind: 'netns', id, mark: 'name schedbench-…' });

describe('campaign: other clusters on the host', () => {
  it('splits namespaces by whether anything runs in them; VMs always count; other kinds are not clusters', () => {
    const all: Leftover[] = [
      netns('schedbench-a-n1'),
      netns('schedbench-b-n1'),
      { kind: 'libvirt-domain', id: 'schedbench-c-n1', mark: 'name schedbench-…' },
      { kind: 'interface', id: 'sbbr-dead', mark: 'name sb…' },
      { kind: 'cgroup', id: 'schedbench/x', mark: 'under schedbench/' },
    ];
    const asked: string[] = [];
    const split = foreignClusters(all, (name) => {
      asked.push(name);
      return name === 'schedbench-a-n1';
    });
    expect(split.busy.map((l) => l.id)).toEqual(['schedbench-a-n1', 'schedbench-c-n1']);
    expect(split.idle.map((l) => l.id)).toEqual(['schedbench-b-n1']);
    expect(asked).toEqual(['schedbench-a-n1', 'schedbench-b-n1']);
  });

  it('nothing on the host: nothing to refuse', () => {
    expect(foreignClusters([], () => true)).toEqual({ busy: [], idle: [] });
  });
});
