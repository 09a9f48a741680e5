/**
 * What a run's events say, set beside what its processes printed: the checks the stress tests
 * share. Every count here comes from the events a client of the bridge received.
 */
import type { DeliverEvent, LostEvent, RunEvent } from "../../protocol/messages.js";

/** The lines a node printed, one list per life (each start of its process), in order. */
export function linesByLife(events: readonly RunEvent[], node: string): string[][] {
  const lives: string[][] = [];
  for (const event of events) {
    if (event.node !== node) continue;
    if (event.kind === "spawn") lives.push([]);
    else if (event.kind === "log" && event.stream === "stdout") lives.at(-1)?.push(event.text);
  }
  return lives;
}

/** The numbers a pattern captures from a node's printed lines, over all its lives. */
export function printedNumbers(events: readonly RunEvent[], node: string, pattern: RegExp): number[] {
  return linesByLife(events, node)
    .flat()
    .map((line) => pattern.exec(line)?.[1])
    .filter((found): found is string => found !== undefined)
    .map(Number);
}

/** How many messages a node's process counted, one by one and in flows, in one direction. */
export function counted(events: readonly RunEvent[], node: string, direction: "send" | "recv"): number {
  let total = 0;
  for (const event of events) {
    if (event.node !== node) continue;
    if (event.kind === direction) total += 1;
    else if (event.kind === "flow" && event.direction === direction) total += event.count;
  }
  return total;
}

export function deliveries(events: readonly RunEvent[]): DeliverEvent[] {
  return events.filter((event): event is DeliverEvent => event.kind === "deliver");
}

export function losses(events: readonly RunEvent[]): LostEvent[] {
  return events.filter((event): event is LostEvent => event.kind === "lost");
}

/** The endpoint a node bound first. */
export function boundBy(events: readonly RunEvent[], node: string): string {
  const bound = events.find((event) => event.kind === "bound" && event.node === node) as { endpoint: string } | undefined;
  if (!bound) throw new Error(`${node} bound nothing`);
  return bound.endpoint;
}

/** The text of a message's frame (the last by default), as its preview shows it; "" for an event without frames. */
export function frameText(event: RunEvent, index = -1): string {
  return "frames" in event ? (event.frames?.at(index)?.text ?? "") : "";
}

/**
 * What the events say of each of tasks 1..`tasks` not in `seen`: who reported sending or
 * receiving it, and any verdict. For a test that timed out waiting for every task to be
 * accounted for: the message it fails with says which tasks and how far each got.
 */
export function unaccountedTasks(events: readonly RunEvent[], seen: ReadonlySet<number>, tasks: number, limit = 10): string {
  const missing = Array.from({ length: tasks }, (_, index) => index + 1).filter((task) => !seen.has(task));
  const histories = missing.slice(0, limit).map((task) => {
    const said = events.flatMap((event) => {
      if (!("frames" in event) || !event.frames) return [];
      const text = event.frames.map((frame) => frame.text).join(" ");
      if (Number(/task (\d+)/.exec(text)?.[1]) !== task) return [];
      const extra = event.kind === "lost" || event.kind === "unknown" ? ` (${event.reason})` : "";
      return [`${event.kind}@${event.node}${extra}`];
    });
    return `task ${task}: ${said.join(", ") || "nothing reported"}`;
  });
  return `${missing.length} not accounted for; ${histories.join("; ")}`;
}
