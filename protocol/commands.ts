/**
 * What the bridge may ask of a running demo process over its IPC channel. Only these, with
 * values the bridge has checked against the manifest: never a command line, a path or code.
 */

/** Replace every subscription of the process's SUB sockets with this one ("" is everything). */
export interface FilterCommand {
  command: "filter";
  filter: string;
}

/** Send one more request on the process's REQ socket while it waits for a reply. */
export interface SendTwiceCommand {
  command: "send-twice";
}

export type RoleCommand = FilterCommand | SendTwiceCommand;

export function isRoleCommand(message: unknown): message is RoleCommand {
  if (typeof message !== "object" || message === null) return false;
  const { command, filter } = message as { command?: unknown; filter?: unknown };
  return command === "send-twice" || (command === "filter" && typeof filter === "string");
}
