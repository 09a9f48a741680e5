/**
 * A bench's run of a demo through the bridge, on the one Node client (harness/bridge-client.ts):
 * it asks for events as binary frames, as the deck's page does, so the bridge's work is what it
 * is for the audience.
 */
import { BridgeClient } from "../../harness/bridge-client.js";
import type { RunEvent } from "../../protocol/messages.js";

export interface RunRecord {
  events: RunEvent[];
  /** Printed lines, by node. */
  lines: Map<string, string[]>;
}

/** Runs `demo` with `params` for `durationMs`, then stops it; resolves when it has stopped. */
export async function runDemo(
  url: string,
  demo: string,
  params: Record<string, number>,
  durationMs: number,
  onEvents?: (events: RunEvent[]) => void,
): Promise<RunRecord> {
  const client = await BridgeClient.open(url, { binaryEvents: true });
  try {
    if (onEvents) client.listen((message) => message.type === "events" && onEvents(message.events));
    const runId = await client.start(demo, params);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    await client.stop(runId, 60_000);
    const record: RunRecord = { events: client.events(runId), lines: new Map() };
    for (const event of record.events) {
      if (event.kind !== "log") continue;
      const lines = record.lines.get(event.node) ?? [];
      lines.push(event.text);
      record.lines.set(event.node, lines);
    }
    return record;
  } finally {
    await client.close();
  }
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
