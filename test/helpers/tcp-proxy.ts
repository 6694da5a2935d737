import net from 'node:net';

export interface TcpProxy {
  /** The port clients connect to. */
  port: number;
  /** The server's URL rewritten to go through the proxy (same scheme, credentials and path). */
  url: string;
  /** Breaks every connection through the proxy and refuses new ones, as a dead server or network would. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_PORTS: Record<string, number> = { 'redis:': 6379, 'amqp:': 5672, 'postgres:': 5432 };

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, so a test can cut the connection and restore it.
 * Given the server's URL (redis:// or amqp://), `url` is that URL rewritten to go through the proxy.
 */
export async function startTcpProxy(server: string | { host: string; port: number }): Promise<TcpProxy> {
  const serverUrl = new URL(typeof server === 'string' ? server : `tcp://${server.host}:${server.port}`);
  const target = { host: serverUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(serverUrl.port || DEFAULT_PORTS[serverUrl.protocol]) };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const listener = net.createServer((client) => {
    const upstream = net.connect(target);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () => {
        listener.off('error', reject);
        resolve();
      });
    });

  await listen(0);
  const { port } = listener.address() as net.AddressInfo;
  const viaProxy = new URL(serverUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(port);
  let listening = true;

  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise((resolve) => listener.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    port,
    url: viaProxy.toString(),
    cut: stopListening,
    async restore() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: stopListening,
  };
}
