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

const firstOf = (read: CgroupReader, paths: string[]) =>
  paths
    .map(read)
    .find((content) => content !== undefined)
    ?.trim();

/**
 * The CPU quota of the process's control group in cores, as a container's CPU limit sets it (`docker run --cpus`,
 * a Kubernetes `limits.cpu`): cgroup v2's `cpu.max`, or v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`. Undefined
 * when there is no quota. Each file is looked for in the process's own group, as /proc/self/cgroup names it (`0::/path`
 * on v2, the line of the `cpu` controller on v1), then at the root of the hierarchy: inside a container that is the
 * container's own group, whatever path /proc/self/cgroup names.
 */
function cpuQuota(read: CgroupReader): number | undefined {
  const lines = read('/proc/self/cgroup')?.split('\n') ?? [];
  const ownV2 = lines.find((line) => line.startsWith('0::'))?.slice(3);
  const ownV1 = lines.map((line) => line.split(':')).find(([, controllers]) => controllers?.split(',').includes('cpu'))?.[2];
  const inGroup = (root: string, own: string | undefined, file: string) =>
    firstOf(read, [...(own && own !== '/' ? [`${root}${own}/${file}`] : []), `${root}/${file}`]);
  const max = inGroup('/sys/fs/cgroup', ownV2, 'cpu.max')?.split(/\s+/);
  const [quota, period] = max ?? ['cpu.cfs_quota_us', 'cpu.cfs_period_us'].map((file) => inGroup('/sys/fs/cgroup/cpu', ownV1, file));
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
