/**
 * A program's view of the bridge: a real WebSocket client that starts runs, takes actions and
 * keeps every event it is sent, for tests that check what real processes did.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket } from "ws";
import type { LostEvent, RunEvent, ServerMessage } from "../../protocol/messages.js";

export class RunClient {
  readonly #socket: WebSocket;
  readonly messages: ServerMessage[] = [];
  /** The events of the latest run this client started. */
  events: RunEvent[] = [];
  #currentRun: string | undefined;
  #counter = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(message);
      if (message.type === "started") {
        this.#currentRun = message.runId;
        this.events = [];
      }
      if (message.type === "events" && message.runId === this.#currentRun) this.events.push(...message.events);
    });
  }

  /** Opens /ws as a local program (no Origin) by default; with `origin` as a page there would, with `token` as a viewer. */
  static async open(bridgeUrl: string, { origin, token }: { origin?: string; token?: string } = {}): Promise<RunClient> {
    const socket = new WebSocket(`${bridgeUrl.replace("http", "ws")}/ws${token ? `?token=${token}` : ""}`, origin ? { origin } : {});
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    return new RunClient(socket);
  }

  /** Sends a request and resolves with the bridge's reply to it ("started", "acted" or "error"). */
  async request(body: Record<string, unknown>, timeoutMs = 15_000): Promise<ServerMessage> {
    const requestId = `t${++this.#counter}`;
    this.#socket.send(JSON.stringify({ ...body, requestId }));
    return this.waitForMessage((message) => "requestId" in message && message.requestId === requestId, timeoutMs);
  }

  async run(demo: string, params: Record<string, number> = {}): Promise<string> {
    const reply = await this.request({ type: "run", demo, params });
    if (reply.type !== "started") throw new Error(`the run did not start: ${JSON.stringify(reply)}`);
    return reply.runId;
  }

  async stop(runId: string): Promise<void> {
    this.#socket.send(JSON.stringify({ type: "stop", requestId: `t${++this.#counter}`, runId }));
    await this.waitForMessage((message) => message.type === "stopped" && message.runId === runId, 15_000);
  }

  close(): void {
    this.#socket.close();
  }

  async waitForMessage(predicate: (message: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    return this.#poll(() => this.messages.find(predicate), timeoutMs, "message");
  }

  /** Waits until `condition` holds over the events so far. */
  async waitUntil(condition: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
    await this.#poll(() => (condition() ? true : undefined), timeoutMs, what);
  }

  /** Lines a node printed, in order. */
  output(node: string): string[] {
    return this.events.filter((event) => event.kind === "log" && event.node === node).map((event) => (event as { text: string }).text);
  }

  /** How many messages a node reported receiving (or sending), as its process counted them. */
  count(node: string, kind: "send" | "recv"): number {
    return this.events.filter((event) => event.kind === kind && event.node === node).length;
  }

  lost(): LostEvent[] {
    return this.events.filter((event): event is LostEvent => event.kind === "lost");
  }

  async #poll<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }
}
