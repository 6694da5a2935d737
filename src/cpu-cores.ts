import fs from 'node:fs';
import os from 'node:os';

/** Reads a file of the process's control group, or undefined where there is none. */
export type CgroupReader = (path: string) => string | undefined;

const readCgroupFile: CgroupReader = (path) => {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Where the process's own control group keeps its files, by /proc/self/cgroup (`0::/path` on cgroup v2, a line
 * naming the `cpu` controller on v1), then the root of the hierarchy: inside a container that is the container's own
 * group, whatever path /proc/self/cgroup names.
 */
function groupFiles(read: CgroupReader, version: 'v2' | 'v1', file: string): string[] {
  const lines = read('/proc/self/cgroup')?.split('\n') ?? [];
  const own =
    version === 'v2'
      ? lines.find((line) => line.startsWith('0::'))?.slice(3)
      : lines.map((line) => line.split(':')).find(([, controllers]) => controllers?.split(',').includes('cpu'))?.[2];
  const root = version === 'v2' ? '/sys/fs/cgroup' : '/sys/fs/cgroup/cpu';
  return [...(own && own !== '/' ? [`${root}${own}/${file}`] : []), `${root}/${file}`];
}

const firstOf = (read: CgroupReader, paths: string[]) =>
  paths
    .map(read)
    .find((content) => content !== undefined)
    ?.trim();

/**
 * The CPU quota of the process's control group in cores, as a container's CPU limit sets it (`docker run --cpus`,
 * a Kubernetes `limits.cpu`): cgroup v2's `cpu.max`, or v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`. Undefined
 * when there is no quota.
 */
function cpuQuota(read: CgroupReader): number | undefined {
  const max = firstOf(read, groupFiles(read, 'v2', 'cpu.max'))?.split(/\s+/);
  const [quota, period] = max ?? [
    firstOf(read, groupFiles(read, 'v1', 'cpu.cfs_quota_us')),
    firstOf(read, groupFiles(read, 'v1', 'cpu.cfs_period_us')),
  ];
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? cores : undefined;
}

/**
 * The cores this process can keep busy: those its CPU affinity allows (Node's `availableParallelism`), fewer when its
 * control group has a CPU quota (Node 20's libuv does not read it), and at least one. A quota of 1.5 cores counts as
 * one: each OCR slot wants a whole core, and the half left over prepares the next job.
 */
export function usableCores({
  read = readCgroupFile,
  affinity = os.availableParallelism(),
}: { read?: CgroupReader; affinity?: number } = {}): number {
  const quota = cpuQuota(read);
  return Math.max(1, Math.min(affinity, quota === undefined ? affinity : Math.floor(quota)));
}
