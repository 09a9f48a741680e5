/**
 * A bench's own client of the bridge over a real WebSocket: runs a demo, gathers its events
 * and the lines its processes print, and stops it. It asks for events as binary frames, as the
 * deck's page does, so the bridge's work is what it is for the audience.
 */
import { WebSocket } from "ws";
import { BINARY_EVENTS_PROTOCOL, decodeEvents } from "../../protocol/event-codec.js";
import type { RunEvent, ServerMessage } from "../../protocol/messages.js";

export interface RunRecord {
  events: RunEvent[];
  /** Printed lines, by node. */
  lines: Map<string, string[]>;
}

/** Runs `demo` with `params` for `durationMs`, then stops it; resolves when it has stopped. */
export async function runDemo(url: string, demo: string, params: Record<string, number>, durationMs: number, onEvents?: (events: RunEvent[]) => void): Promise<RunRecord> {
  const socket = new WebSocket(`${url.replace("http", "ws")}/ws`, [BINARY_EVENTS_PROTOCOL], { origin: url });
  const record: RunRecord = { events: [], lines: new Map() };
  await new Promise((resolve) => socket.once("open", resolve));
  await new Promise<void>((resolve, reject) => {
    socket.on("message", (data, isBinary) => {
      const message: ServerMessage = isBinary ? { type: "events", ...decodeEvents(data as Buffer) } : (JSON.parse(String(data)) as ServerMessage);
      if (message.type === "started") {
        setTimeout(() => socket.send(JSON.stringify({ type: "stop", requestId: "stop", runId: message.runId })), durationMs);
      } else if (message.type === "events") {
        onEvents?.(message.events);
        for (const event of message.events) {
          record.events.push(event);
          if (event.kind === "log") {
            const lines = record.lines.get(event.node) ?? [];
            lines.push(event.text);
            record.lines.set(event.node, lines);
          }
        }
      } else if (message.type === "stopped") {
        resolve();
      } else if (message.type === "error") {
        reject(new Error(`${message.code}: ${message.message}`));
      }
    });
    socket.send(JSON.stringify({ type: "run", requestId: "bench", demo, params }));
  });
  socket.close();
  return record;
}

/**
 * Whether each node's counted messages (one-by-one reports plus counted flows) equal the
 * totals the process printed as it ended ("sent N, received M").
 */
export function countsExact(record: RunRecord): boolean {
  const counted = new Map<string, { sent: number; received: number }>();
  for (const event of record.events) {
    const node = counted.get(event.node) ?? { sent: 0, received: 0 };
    counted.set(event.node, node);
    if (event.kind === "send") node.sent += 1;
    else if (event.kind === "recv") node.received += 1;
    else if (event.kind === "flow") node[event.direction === "send" ? "sent" : "received"] += event.count;
  }
  for (const [node, lines] of record.lines) {
    const tally = lines.map((line) => /^sent (\d+), received (\d+)$/.exec(line)).find(Boolean);
    if (!tally) return false;
    const mine = counted.get(node) ?? { sent: 0, received: 0 };
    if (mine.sent !== Number(tally[1]) || mine.received !== Number(tally[2])) return false;
  }
  return true;
}
