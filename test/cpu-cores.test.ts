import { describe, expect, it } from 'vitest';
import { usableCores } from '../src/cpu-cores.js';

/** A control group whose files hold these contents; any other file is absent. */
const group = (files: Record<string, string>) => (path: string) => files[path];

describe('the cores a process can keep busy', () => {
  it('are those its CPU affinity allows when its control group sets no quota (cgroup v2 "max", v1 -1, or none)', () => {
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }), affinity: 8 })).toBe(8);
    expect(
      usableCores({
        read: group({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }),
        affinity: 8,
      }),
    ).toBe(8);
    expect(usableCores({ read: group({}), affinity: 4 })).toBe(4);
  });

  it('follow a container CPU limit: two cores of cgroup v2, one of v1, and the whole cores of 1.5', () => {
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' }), affinity: 8 })).toBe(2);
    expect(
      usableCores({
        read: group({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }),
        affinity: 8,
      }),
    ).toBe(1);
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }), affinity: 8 })).toBe(1);
  });

  it("follow the quota of the process's own group, named in /proc/self/cgroup, before the root's", () => {
    const v1 = group({
      '/proc/self/cgroup': '9:name=systemd:/\n4:cpu,cpuacct:/ocr\n',
      '/sys/fs/cgroup/cpu/ocr/cpu.cfs_quota_us': '200000\n',
      '/sys/fs/cgroup/cpu/ocr/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(usableCores({ read: v1, affinity: 8 })).toBe(2);
    const v2 = group({ '/proc/self/cgroup': '0::/kubepods/pod1/c1\n', '/sys/fs/cgroup/kubepods/pod1/c1/cpu.max': '300000 100000\n' });
    expect(usableCores({ read: v2, affinity: 8 })).toBe(3);
    // In a container the group's path names the host's hierarchy; its own group is mounted at the root.
    const container = group({ '/proc/self/cgroup': '0::/docker/abc\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' });
    expect(usableCores({ read: container, affinity: 8 })).toBe(1);
  });

  it('are never fewer than one, under a quota of a fraction of a core, nor more than the affinity allows', () => {
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }), affinity: 8 })).toBe(1);
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': '1600000 100000\n' }), affinity: 2 })).toBe(2);
    expect(usableCores({ read: group({ '/sys/fs/cgroup/cpu.max': 'garbage' }), affinity: 3 })).toBe(3);
  });
});
