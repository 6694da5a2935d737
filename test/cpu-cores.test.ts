import { describe, expect, it } from 'vitest';
import { usableCores } from '../src/cpu-cores.js';

const V2 = '/sys/fs/cgroup/cpu.max';
const v1 = (quota: string) => ({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' });

describe('the cores a process can keep busy', () => {
  // Each case: the files of the process's control group (any other file is absent), its CPU affinity, the cores.
  it.each<[string, Record<string, string>, number, number]>([
    ['the affinity under cgroup v2 "max" (no quota)', { [V2]: 'max 100000\n' }, 8, 8],
    ['the affinity under cgroup v1 -1 (no quota)', v1('-1'), 8, 8],
    ['the affinity with no control group files', {}, 4, 4],
    ['two under a v2 limit of 2 cores', { [V2]: '200000 100000\n' }, 8, 2],
    ['one under a v1 limit of 1 core', v1('100000'), 8, 1],
    ['the whole cores of a limit of 1.5', { [V2]: '150000 100000\n' }, 8, 1],
    ['never fewer than one, under half a core', { [V2]: '50000 100000\n' }, 8, 1],
    ['never more than the affinity allows', { [V2]: '1600000 100000\n' }, 2, 2],
    ['the affinity when cpu.max cannot be read', { [V2]: 'garbage' }, 3, 3],
    [
      "the quota of the process's own v1 group, named in /proc/self/cgroup, before the root's",
      {
        '/proc/self/cgroup': '9:name=systemd:/\n4:cpu,cpuacct:/ocr\n',
        '/sys/fs/cgroup/cpu/ocr/cpu.cfs_quota_us': '200000\n',
        '/sys/fs/cgroup/cpu/ocr/cpu.cfs_period_us': '100000\n',
        ...v1('-1'),
      },
      8,
      2,
    ],
    [
      "the quota of the process's own v2 group",
      { '/proc/self/cgroup': '0::/kubepods/pod1/c1\n', '/sys/fs/cgroup/kubepods/pod1/c1/cpu.max': '300000 100000\n' },
      8,
      3,
    ],
    // In a container the group's path names the host's hierarchy; its own group is mounted at the root.
    ["a container's own group at the root", { '/proc/self/cgroup': '0::/docker/abc\n', [V2]: '100000 100000\n' }, 8, 1],
  ])('are %s', (_case, files, affinity, cores) => {
    expect(usableCores({ read: (path) => files[path], affinity })).toBe(cores);
  });
});
