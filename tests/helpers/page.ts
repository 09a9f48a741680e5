/**
 * A page's WebSocket to the bridge, from Node: what the deck's bridge client does, plus a
 * record of everything the bridge said, so tests can wait for and count it.
 */
import { once } from "node:events";
import { WebSocket } from "ws";
import type { RunEvent, ServerMessage } from "../../protocol/messages.js";
import { BINARY_EVENTS_PROTOCOL, decodeEvents } from "../../protocol/event-codec.js";

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

export class BridgePage {
  readonly socket: WebSocket;
  /** Every message the bridge sent, in order. */
  readonly messages: ServerMessage[] = [];
  /** Resolves with the close code once the connection has closed. */
  readonly closed: Promise<number>;
  #waiters: Waiter[] = [];
  #requests = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once("close", (code) => resolve(code)));
    socket.on("message", (data, isBinary) => {
      const message: ServerMessage = isBinary ? { type: "events", ...decodeEvents(data as Buffer) } : (JSON.parse(String(data)) as ServerMessage);
      this.messages.push(message);
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
  static async open(baseUrl: string, options: PageOptions = {}): Promise<BridgePage> {
    const origin = options.origin === undefined ? baseUrl : options.origin;
    const query = options.token ? `?token=${encodeURIComponent(options.token)}` : "";
    const protocols = options.binaryEvents ? [BINARY_EVENTS_PROTOCOL] : [];
    const socket = new WebSocket(`${baseUrl.replace("http", "ws")}/ws${query}`, protocols, {
      ...(origin === null ? {} : { origin }),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const page = new BridgePage(socket);
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

  /** Asks for a run; resolves with the bridge's answer to it (started, or an error). */
  async run(demo: string, params?: Record<string, number>): Promise<ServerMessage> {
    const requestId = this.newRequestId();
    const answer = this.waitFor((message) => (message.type === "started" || message.type === "error") && message.requestId === requestId);
    this.send({ type: "run", requestId, demo, ...(params ? { params } : {}) });
    return answer;
  }

  stop(runId: string): void {
    this.send({ type: "stop", requestId: this.newRequestId(), runId });
  }

  /** The first message, already received or still to come, that `matches`. */
  waitFor(matches: (message: ServerMessage) => boolean, timeoutMs = 20_000): Promise<ServerMessage> {
    const seen = this.messages.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; last: ${JSON.stringify(this.messages.slice(-3))}`)), timeoutMs);
      this.#waiters.push({ matches, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  /** Waits until the events of `runId` satisfy `done`. */
  async waitForEvents(runId: string, done: (events: RunEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (done(this.events(runId))) return;
    await this.waitFor((message) => message.type === "events" && message.runId === runId && done(this.events(runId)), timeoutMs);
  }

  /** Waits for the bridge to say `runId` has stopped; resolves with the reason. */
  async stopped(runId: string, timeoutMs = 20_000): Promise<string> {
    const message = await this.waitFor((candidate) => candidate.type === "stopped" && candidate.runId === runId, timeoutMs);
    return message.type === "stopped" ? message.reason : "";
  }

  /** Every event of one run, in order. */
  events(runId: string): RunEvent[] {
    return this.messages.flatMap((message) => (message.type === "events" && message.runId === runId ? message.events : []));
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
      message.type === "events" ? message.events.flatMap((event) => (event.kind === "bound" ? [Number(/:(\d+)$/.exec(event.endpoint)?.[1])] : [])) : [],
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
