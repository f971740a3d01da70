// `schedbench:backend`: where a stack's nodes come from, one section per backend (each beside its backend). Its own
// module, below the config schema, so that scheduler modules can speak of it without the schema.
import { z } from 'zod';
import { HostsBackend } from './hosts/config';
import { LibvirtBackend } from './libvirt/config';
import { NetnsBackend } from './netns/config';

export const BackendConfig = z.discriminatedUnion('type', [NetnsBackend, LibvirtBackend, HostsBackend]);
export type BackendConfig = z.infer<typeof BackendConfig>;
