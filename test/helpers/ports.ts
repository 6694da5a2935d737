import net from 'node:net';

/** Whether something accepts a TCP connection on host:port within `timeoutMs`. */
export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  timeoutMs: number;
  /** True once waiting is pointless (the server's process exited). */
  gaveUp: () => boolean;
  /** What the error says about the server (its output) when it never listens. */
  describe: () => string;
}

/** Resolves once a server listens on 127.0.0.1:port; throws when it gives up first or the time is over. */
export async function waitForPort(port: number, { timeoutMs, gaveUp, describe }: WaitForPortOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen('127.0.0.1', port))) {
    // On a busy machine this process may have been held up past the deadline itself: one more look settles it.
    const over = gaveUp() || (Date.now() > deadline && !(await portOpen('127.0.0.1', port, 5_000)));
    if (over) throw new Error(`nothing listens on port ${port}: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
