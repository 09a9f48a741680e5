/**
 * The one Node client of the bridge, for tests, scripts and benches: a page's WebSocket to it,
 * from Node — what the deck's bridge client does — plus a record of everything the bridge said,
 * so a caller can wait for it, count it and read what a run's processes did.
 */
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket } from "ws";
import type { LostEvent, RunEvent, ServerMessage } from "../protocol/messages.js";
import { BINARY_EVENTS_PROTOCOL, decodeEvents } from "../protocol/event-codec.js";

export interface PageOptions {
  /** The Origin header; the deck's own by default, `null` for none. */
  origin?: string | null;
  /** The share token, sent in the URL as the viewers' link has it. */
  token?: string;
  /** Ask for events as binary frames, as the deck's page does; they are recorded decoded, as "events" messages. */
  binaryEvents?: boolean;
  /** The local address to connect from: another address of this machine looks to the bridge like another machine. */
  localAddress?: string;
}

type Waiter = { matches(message: ServerMessage): boolean; resolve(message: ServerMessage): void };

export class BridgeClient {
  readonly socket: WebSocket;
  /** Every message the bridge sent, in order. */
  readonly messages: ServerMessage[] = [];
  /** Resolves with the close code once the connection has closed. */
  readonly closed: Promise<number>;
  #waiters: Waiter[] = [];
  readonly #listeners: ((message: ServerMessage) => void)[] = [];
  #requests = 0;
  /** The run this client started last. */
  #latestRun: string | undefined;
  /** Each run's events as they came, kept apart so reading one run's costs nothing of the others'. */
  readonly #eventsByRun = new Map<string, RunEvent[]>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once("close", (code) => resolve(code)));
    socket.on("message", (data, isBinary) => {
      const message: ServerMessage = isBinary
        ? { type: "events", ...decodeEvents(data as Buffer) }
        : (JSON.parse(String(data)) as ServerMessage);
      this.messages.push(message);
      if (message.type === "started") this.#latestRun = message.runId;
      if (message.type === "events") {
        const events = this.#eventsByRun.get(message.runId);
        if (events) events.push(...message.events);
        else this.#eventsByRun.set(message.runId, [...message.events]);
      }
      for (const listener of this.#listeners) listener(message);
      const waiting = this.#waiters;
      this.#waiters = [];
      for (const waiter of waiting) {
        if (waiter.matches(message)) waiter.resolve(message);
        else this.#waiters.push(waiter);
      }
    });
    socket.on("error", () => {});
  }

  /** Opens a connection as a page of `baseUrl` would; resolves once the bridge said hello. */
  static async open(baseUrl: string, options: PageOptions = {}): Promise<BridgeClient> {
    const origin = options.origin === undefined ? baseUrl : options.origin;
    const query = options.token ? `?token=${encodeURIComponent(options.token)}` : "";
    const protocols = options.binaryEvents ? [BINARY_EVENTS_PROTOCOL] : [];
    const socket = new WebSocket(`${baseUrl.replace("http", "ws")}/ws${query}`, protocols, {
      ...(origin === null ? {} : { origin }),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const page = new BridgeClient(socket);
    const hello = page.waitFor((message) => message.type === "hello");
    await once(socket, "open");
    await hello;
    return page;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends one message as JSON text; returns its requestId when it made one. */
  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  newRequestId(): string {
    return `q${++this.#requests}`;
  }

  /** Calls `listener` with every message from now on, as it arrives. */
  listen(listener: (message: ServerMessage) => void): void {
    this.#listeners.push(listener);
  }

  /** Sends a request and resolves with the bridge's answer to it ("started", "acted", "watching", "shown" or "error"). */
  async request(body: Record<string, unknown>, timeoutMs = 20_000): Promise<ServerMessage> {
    const requestId = this.newRequestId();
    const answer = this.waitFor((message) => "requestId" in message && message.requestId === requestId, timeoutMs);
    this.send({ ...body, requestId });
    return answer;
  }

  /** Starts a run; resolves with its id, or rejects with the bridge's error. */
  async start(demo: string, params: Record<string, number> = {}): Promise<string> {
    const reply = await this.run(demo, params);
    if (reply.type !== "started") throw new Error(`the run did not start: ${JSON.stringify(reply)}`);
    return reply.runId;
  }

  /** Asks for a run; resolves with the bridge's answer to it (started, or an error). */
  async run(demo: string, params?: Record<string, number>): Promise<ServerMessage> {
    const requestId = this.newRequestId();
    const answer = this.waitFor((message) => (message.type === "started" || message.type === "error") && message.requestId === requestId);
    this.send({ type: "run", requestId, demo, ...(params ? { params } : {}) });
    return answer;
  }

  /** Asks for `runId` to stop; resolves with the reason once the bridge says it has (awaiting it is optional). */
  stop(runId: string, timeoutMs = 20_000): Promise<string> {
    this.send({ type: "stop", requestId: this.newRequestId(), runId });
    const stopped = this.stopped(runId, timeoutMs);
    stopped.catch(() => {});
    return stopped;
  }

  /** The first message, already received or still to come, that `matches`. */
  waitFor(matches: (message: ServerMessage) => boolean, timeoutMs = 20_000): Promise<ServerMessage> {
    const seen = this.messages.find(matches);
    if (seen) return Promise.resolve(seen);
    return this.#waitForNext(matches, timeoutMs);
  }

  /** The next message to come that `matches`. */
  #waitForNext(matches: (message: ServerMessage) => boolean, timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching message within ${timeoutMs} ms; last: ${JSON.stringify(this.messages.slice(-3)).slice(0, 1000)}`)),
        timeoutMs,
      );
      this.#waiters.push({
        matches,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** Waits until the events of `runId` satisfy `done`. */
  async waitForEvents(runId: string, done: (events: RunEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (done(this.events(runId))) return;
    // Only events still to come can change the answer: the ones received are judged above.
    await this.#waitForNext((message) => message.type === "events" && message.runId === runId && done(this.events(runId)), timeoutMs);
  }

  /** Waits for the bridge to say `runId` has stopped; resolves with the reason. */
  async stopped(runId: string, timeoutMs = 20_000): Promise<string> {
    const message = await this.waitFor((candidate) => candidate.type === "stopped" && candidate.runId === runId, timeoutMs);
    return message.type === "stopped" ? message.reason : "";
  }

  /** Every event of one run (by default the one this client started last), in order. */
  events(runId = this.#latestRun): RunEvent[] {
    return runId === undefined ? [] : [...(this.#eventsByRun.get(runId) ?? [])];
  }

  /** Waits until `condition` holds, checking every 50 ms. */
  async waitUntil(condition: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  /** Lines a node of the latest run printed, in order. */
  output(node: string): string[] {
    return this.events().flatMap((event) => (event.kind === "log" && event.node === node ? [event.text] : []));
  }

  /** How many messages a node of the latest run reported receiving (or sending) one by one. */
  count(node: string, kind: "send" | "recv"): number {
    return this.events().filter((event) => event.kind === kind && event.node === node).length;
  }

  /** The latest run's messages judged lost one by one. */
  lost(): LostEvent[] {
    return this.events().filter((event): event is LostEvent => event.kind === "lost");
  }

  /** The pids of every process the bridge told this page it started. */
  pids(): number[] {
    return this.messages.flatMap((message) =>
      message.type === "events" ? message.events.flatMap((event) => (event.kind === "spawn" ? [event.pid] : [])) : [],
    );
  }

  /** The TCP ports demo processes reported binding. */
  ports(): number[] {
    return this.messages.flatMap((message) =>
      message.type === "events"
        ? message.events.flatMap((event) => (event.kind === "bound" ? [Number(/:(\d+)$/.exec(event.endpoint)?.[1])] : []))
        : [],
    );
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }

  /** Drops the connection without a closing handshake, as a crashed tab would. */
  drop(): Promise<number> {
    this.socket.terminate();
    return this.closed;
  }
}
