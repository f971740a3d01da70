// What a libvirt VM image needs to run Kubernetes: the node bundle (binaries, manifest and image archives from
// components/kubernetes/build, unpacked at KUBERNETES_IMAGE_DIR) and the Debian packages a node uses. The bundle's
// path and identity come from build/bundle.sh's key, known without building; the image's overlay step builds it.
import * as path from 'path';
import { BUILD_DIR, keyedPath, kubernetesMirrorEnvironment } from './build-key';
import type { MadeOverlay } from '../image/inputs';
import type { ImageContent, SchedulerSite } from '../schedulers/module';
import type { KubernetesOptions } from './options';

/** Where a built VM image holds the Kubernetes binaries (bin/, manifest.json) and image archives (images/). */
export const KUBERNETES_IMAGE_DIR = '/opt/schedbench/kubernetes';

/** Debian packages every Kubernetes node uses (install.sh checks them, a VM image carries them). */
export const KUBERNETES_NODE_PACKAGES: readonly string[] = [
  'containernetworking-plugins',
  'curl',
  'iproute2',
  'jq',
  'procps',
  'util-linux',
];

const BUNDLE_SCRIPT = path.join(BUILD_DIR, 'bundle.sh');

/** The node bundle for the current build inputs: its path and identity (nothing is built). */
export function kubernetesBundle(): MadeOverlay {
  const environment = { BUNDLE_PREFIX: KUBERNETES_IMAGE_DIR, ...kubernetesMirrorEnvironment() };
  const tarball = keyedPath('bundle.sh', environment);
  const identity = /node-([0-9a-f]{16})\.tar$/.exec(tarball)?.[1];
  if (identity === undefined) throw new Error(`k8s bundle: unexpected path ${tarball}`);
  return {
    path: tarball,
    identity: `kubernetes-node-${identity}`,
    make: {
      create: 'bash "$SCHEDBENCH_K8S_BUNDLE"',
      environment: { ...environment, SCHEDBENCH_K8S_BUNDLE: BUNDLE_SCRIPT },
    },
  };
}

/**
 * What a Kubernetes stack adds to a built VM image: the node bundle and the node packages — nothing when `binDir`
 * names binaries the VMs already have.
 */
export function kubernetesImageContent(options: KubernetesOptions): ImageContent {
  if (options.binDir !== undefined) return { packages: [], overlays: [] };
  return { packages: [...KUBERNETES_NODE_PACKAGES], overlays: [kubernetesBundle()] };
}

/** The options as the cluster gets them: on VMs of an image schedbench builds, the binaries the image carries. */
export function kubernetesClusterOptions(
  site: Pick<SchedulerSite<KubernetesOptions>, 'options' | 'backend'>,
): KubernetesOptions {
  const bundleInImage =
    site.options.binDir === undefined &&
    site.backend.type === 'libvirt' &&
    site.backend.image.source === 'build';
  return bundleInImage ? { ...site.options, binDir: KUBERNETES_IMAGE_DIR } : site.options;
}
