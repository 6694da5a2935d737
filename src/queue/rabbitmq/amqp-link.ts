import type { Writable } from 'node:stream';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';
import { backoffDelay, type Backoff } from '../../backoff.js';

/** Runs `use` on a channel of a connection of its own, closed afterwards: for one-off administration. */
export async function withChannel<T>(url: string, use: (channel: Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  try {
    return await use(await connection.createChannel());
  } finally {
    await connection.close();
  }
}

export interface LinkOptions {
  /** The nodes of one cluster: the link connects to one, and moves on to the next when it fails or goes away. */
  urls: string[];
  /** The connection's name in the broker's management view and in our logs. */
  label: string;
  logger?: Logger;
  reconnectBackoff: Backoff;
  /** Runs on each new channel before the link counts as open: topology, prefetch, consumers. */
  setup: (channel: ConfirmChannel) => Promise<void>;
}

/**
 * One connection with one confirm channel, kept open: when either closes, it reconnects (to the next address, at
 * once, then round the list again with exponential back-off) and runs `setup` again, until `close()`. `channel` is undefined while it is down, so callers
 * can fail at once instead of waiting.
 */
export class AmqpLink {
  channel: ConfirmChannel | undefined;
  private connection: ChannelModel | undefined;
  private closed = false;
  private attempt = 0;
  /** Which of the addresses the link uses, or tries next. */
  private address = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private blocked = false;
  private firstAttempt: Promise<void>;
  private settleFirstAttempt!: () => void;

  constructor(private readonly options: LinkOptions) {
    this.firstAttempt = new Promise((resolve) => (this.settleFirstAttempt = resolve));
    void this.connect();
  }

  /** True while the link can take messages. */
  get open(): boolean {
    return this.channel !== undefined && !this.blocked;
  }

  /** Resolves after the first connection attempt (one to each address), successful or not. */
  started(): Promise<void> {
    return this.firstAttempt;
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const { urls, label, logger, setup } = this.options;
    const url = urls[this.address % urls.length]!;
    let connection: ChannelModel | undefined;
    try {
      connection = await amqp.connect(withHeartbeat(url), { timeout: 5_000, clientProperties: { connection_name: label } });
      connection.on('error', (error: Error) => logger?.debug({ err: error, link: label }, 'broker connection error'));
      connection.on('blocked', (reason: string) => {
        this.blocked = true;
        logger?.warn({ link: label, reason }, 'broker blocked publishing (resource alarm)');
      });
      connection.on('unblocked', () => {
        this.blocked = false;
        logger?.info({ link: label }, 'broker unblocked publishing');
      });
      batchFrameWrites(connection);
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => logger?.warn({ err: error, link: label }, 'broker channel error'));
      await setup(channel);
      if (this.closed) {
        await connection.close().catch(() => undefined);
        return;
      }
      // Any loss of the channel or connection starts over with a fresh connection.
      const lost = () => this.lost(connection!);
      connection.once('close', lost);
      channel.once('close', lost);
      this.connection = connection;
      this.channel = channel;
      if (this.attempt > 0) logger?.info({ link: label }, 'broker reconnected');
      this.attempt = 0;
    } catch (error) {
      connection?.close().catch(() => undefined);
      this.attempt += 1;
      this.address += 1;
      // Every address is tried once before the link waits: another node may well be up.
      const roundDone = this.attempt % urls.length === 0;
      const delay = roundDone ? backoffDelay(this.attempt / urls.length, this.options.reconnectBackoff) : 0;
      const details = { err: error, link: label, broker: new URL(url).host, retry_in_ms: Math.round(delay) };
      if (this.attempt === 1) logger?.warn(details, 'broker unreachable; retrying');
      else logger?.debug(details, 'broker still unreachable; retrying');
      if (!this.closed) this.retryTimer = setTimeout(() => void this.connect(), delay);
    } finally {
      // The first attempt is over once one address answered or each was tried.
      if (this.attempt % urls.length === 0) this.settleFirstAttempt();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    this.blocked = false;
    connection.close().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn({ link: this.options.label }, 'broker connection lost; reconnecting');
    this.attempt = 1;
    // The node that went away is likely still away: start with the next one, which may be up.
    this.address += 1;
    const delay = this.options.urls.length > 1 ? 0 : backoffDelay(1, this.options.reconnectBackoff);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Stops reconnecting and closes the channel, then the connection. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const connection = this.connection;
    const channel = this.channel;
    this.connection = undefined;
    this.channel = undefined;
    // Closing the channel first flushes what it still has to send: amqplib writes the connection's close
    // ahead of channel frames, and acknowledgements sent just before would be lost (and their jobs redelivered).
    await channel?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }
}

/** Heartbeats let both sides notice a dead peer in seconds; the URL may set its own. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '5');
  return parsed.toString();
}

/** The part of amqplib's connection internals that writes frames to the socket. */
interface FrameMuxer {
  out: Writable & { _writableState?: { highWaterMark: number } };
  _readIncoming(): void;
}

/** How much a connection's socket buffers before amqplib waits for it to drain: several messages' worth. */
const SOCKET_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * amqplib writes every frame to the socket with a call of its own (a publish is two or three frames), each a
 * system call. Its multiplexer already gathers the frames of all channels once per turn of the event loop;
 * corking the socket around that turn sends them in one write, so concurrent publishes cost one system call
 * between them. Internals of amqplib 0.10: when they are not there, frames go out as before.
 */
function batchFrameWrites(connection: ChannelModel): void {
  const muxer = (connection as unknown as { connection?: { muxer?: FrameMuxer } }).connection?.muxer;
  const writableState = muxer?.out._writableState;
  if (!muxer || typeof muxer._readIncoming !== 'function' || !writableState) return;
  // A corked socket reports itself full past its high-water mark, which would end the multiplexer's turn after one message.
  writableState.highWaterMark = Math.max(writableState.highWaterMark, SOCKET_BATCH_BYTES);
  const readIncoming = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    muxer.out.cork();
    try {
      readIncoming();
    } finally {
      muxer.out.uncork();
    }
  };
}
