/**
 * Figures a process measures itself and prints (the Fast slide's throughput and round trip),
 * read back from what it printed, for its node on the diagram. A demo whose processes measure
 * shows no rates of the diagram's own: several numbers for one stream, each over a different
 * window, would contradict each other (see RoleSpec.measurement).
 */
import type { DemoManifest } from "../../protocol/manifest.js";
import type { NodeState } from "./run-model.js";

const patterns = new Map<string, RegExp>();

/** The node's latest measured figure with its label ("measured 94,582 msg/s"); undefined for a role that measures nothing. */
export function measuredFigure(manifest: DemoManifest, node: NodeState): string | undefined {
  const measurement = manifest.roles[node.role]?.measurement;
  if (!measurement) return undefined;
  let pattern = patterns.get(measurement.pattern);
  if (!pattern) patterns.set(measurement.pattern, (pattern = new RegExp(measurement.pattern)));
  for (let line = node.output.length - 1; line >= 0; line--) {
    const figure = pattern.exec(node.output[line]!.text)?.[1];
    if (figure !== undefined) return `${measurement.label} ${figure}`;
  }
  return `${measurement.label}: not yet`;
}

/** Whether the diagram shows message rates of its own (on nodes and busy edges) for this demo. */
export function showsCountedRates(manifest: DemoManifest): boolean {
  return !Object.values(manifest.roles).some((role) => role.measurement);
}
