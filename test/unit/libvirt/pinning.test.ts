// The vCPU pinning planner: distinct cores, NUMA locality, the host's reserve respected, impossible plans named.
import fc from 'fast-check';
import { planPinning, PinningRequest } from '../../../components/nodes/libvirt/pinning';

const PERLMUTTER = { hostCores: 128, sockets: 2, reserveCores: 2 };

function checkPlan(req: PinningRequest): void {
  const plan = planPinning(req);
  const perSocket = req.hostCores / req.sockets;
  const all = plan.flatMap((p) => p.cpus);
  expect(plan).toHaveLength(req.nodes);
  for (const p of plan) {
    expect(p.cpus).toHaveLength(req.vcpus);
    if (p.numaNode !== undefined) {
      for (const cpu of p.cpus) expect(Math.floor(cpu / perSocket)).toBe(p.numaNode);
    }
  }
  expect(new Set(all).size).toBe(all.length); // no core used twice
  for (const cpu of all) {
    expect(cpu).toBeGreaterThanOrEqual(req.reserveCores); // reserve untouched
    expect(cpu).toBeLessThan(req.hostCores);
  }
}

describe('planPinning', () => {
  test.each([
    ['small', 2, 4],
    ['medium', 3, 8],
    ['large', 4, 16],
  ])(
    'Perlmutter %s (%i × %i vCPUs): each VM on one socket, VMs spread over both',
    (_profile, nodes, vcpus) => {
      const plan = planPinning({ ...PERLMUTTER, nodes, vcpus });
      checkPlan({ ...PERLMUTTER, nodes, vcpus });
      expect(plan.every((p) => p.numaNode !== undefined)).toBe(true);
      const sockets = new Set(plan.map((p) => p.numaNode));
      expect(sockets.size).toBe(2);
    },
  );

  test('the large profile, exactly', () => {
    expect(planPinning({ ...PERLMUTTER, nodes: 4, vcpus: 16 })).toEqual([
      { cpus: range(64, 16), numaNode: 1 },
      { cpus: range(2, 16), numaNode: 0 },
      { cpus: range(80, 16), numaNode: 1 },
      { cpus: range(18, 16), numaNode: 0 },
    ]);
  });

  test('a VM larger than a socket spans sockets, still on distinct cores, with no NUMA binding', () => {
    const plan = planPinning({ hostCores: 16, sockets: 2, reserveCores: 0, nodes: 1, vcpus: 12 });
    expect(plan[0]?.numaNode).toBeUndefined();
    expect(new Set(plan[0]?.cpus).size).toBe(12);
  });

  test('properties: no core twice, locality when bound, reserve respected (random hosts and profiles)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 16 }),
        (sockets, perSocket, reserveCores, nodes, vcpus) => {
          const hostCores = sockets * perSocket;
          fc.pre(nodes * vcpus <= hostCores - reserveCores);
          checkPlan({ hostCores, sockets, reserveCores, nodes, vcpus });
        },
      ),
    );
  });

  test('impossible plans name the numbers', () => {
    expect(() => planPinning({ ...PERLMUTTER, nodes: 4, vcpus: 32 })).toThrow(
      'vCPU pinning: 4 × 32 = 128 vCPUs need as many cores, the host has 128 − 2 reserved = 126',
    );
    expect(() => planPinning({ hostCores: 6, sockets: 4, reserveCores: 0, nodes: 1, vcpus: 1 })).toThrow(
      /do not split evenly/,
    );
  });
});

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
