// The names of the catalog's workloads: the one list config validation and the catalog share.
export const WORKLOAD_NAMES = ['cpu_intensive', 'memory_intensive', 'mixed', 'throughput'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
