// schedbench:nodes:Hosts — machines that already exist, listed in config: the private key is read from a file
// (a secret output), each host is checked over SSH (hostname, CPUs, memory against the profile). Nothing is
// created on them and nothing deleted: only the scheduler component touches them.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import type { Profile } from '../../config/schema';
import { bashScript } from '../../script';
import { REPORT_SCRIPT } from './report';
import type { Node } from '../types';
import type { HostsBackend } from './config';
import { checkHostFits, NodeReport, parseNodeReport } from './report';
import { remoteCommand } from '../remote';

export interface HostsNodesArgs {
  /** Cluster name (state directories on the hosts derive from it). */
  clusterName: string;
  /** The profile: the first `nodes` hosts are used; each must have at least its vCPUs and memory. */
  profile: Profile;
  /** The `backend` config section (type hosts), defaults applied. */
  backend: HostsBackend;
}

export class HostsNodes extends pulumi.ComponentResource {
  /** The nodes, in config order. */
  readonly nodes: Node[];
  /** What each host reported (hostname, CPUs, memory, kernel, OS), for provenance. */
  readonly reports: pulumi.Output<NodeReport[]>;
  /** The SSH private key read from backend.privateKeyPath (secret). */
  readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: HostsNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:Hosts', name, {}, opts);
    const { backend, profile } = args;
    if (backend.hosts.length < profile.nodes) {
      throw new pulumi.ResourceError(
        `hosts backend: profile needs ${profile.nodes} hosts, ${backend.hosts.length} listed`,
        this,
      );
    }
    const memoryMiB = Math.round(profile.memoryGiB * 1024);

    const key = new command.local.Command(
      `${name}-key`,
      {
        create: bashScript('components/nodes/hosts/scripts/read-key.sh'),
        environment: { KEY_PATH: backend.privateKeyPath },
        logging: 'stderr',
      },
      { parent: this, additionalSecretOutputs: ['stdout'] },
    );
    const privateKey = pulumi.secret(key.stdout);
    this.privateKey = privateKey;

    const reports: pulumi.Output<NodeReport>[] = [];
    this.nodes = backend.hosts.slice(0, profile.nodes).map((host): Node => {
      const connection = {
        host: host.address,
        port: host.port ?? backend.port,
        user: backend.user,
        privateKey,
        hostKey: host.hostKey,
        dialErrorLimit: 3,
        perDialTimeout: 15,
      };
      // One probe variable: the check below says so when the host's sshd drops the environment.
      const ready = remoteCommand(
        `${name}-${host.name}-ready`,
        {
          connection,
          create: REPORT_SCRIPT,
          environment: { SCHEDBENCH_ENV_PROBE: '1' },
        },
        { parent: this },
      );
      reports.push(
        ready.stdout.apply((stdout) => {
          const report = parseNodeReport(stdout, host.name);
          const problems = checkHostFits(host.name, report, profile.vcpus, memoryMiB);
          if (problems.length > 0) throw new Error(`hosts backend: ${problems.join('; ')}`);
          return report;
        }),
      );
      return {
        name: host.name,
        address: host.address,
        connection,
        vcpus: profile.vcpus,
        memoryMiB,
        backend: 'hosts',
        interface: host.interface,
        stateDir: `/var/lib/schedbench/${args.clusterName}/${host.name}`,
        ready,
      };
    });
    this.reports = pulumi.all(reports);
    this.registerOutputs({
      nodes: this.nodes.map((n) => ({ name: n.name, address: n.address })),
      reports: this.reports,
    });
  }
}
