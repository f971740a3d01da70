// Workload names: the presets' (workloads/presets.ts) and a stack's own definitions'. The default list a stack runs
// is the original catalog's four.
export const DEFAULT_WORKLOADS = ['cpu_intensive', 'memory_intensive', 'mixed', 'throughput'] as const;
export type WorkloadName = string;
