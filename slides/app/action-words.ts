/**
 * What a viewer did to a run, and what libzmq answered, said in words for the status line and
 * the diagram: "Killed worker-2", "Sent twice: libzmq refused with EFSM". Not `send-twice
 * client-1`: the action's name in the protocol is ours, the words are the viewer's.
 */
import type { DemoManifest } from "../../protocol/manifest.js";
import type { NodeEvent } from "../../protocol/messages.js";
import type { ActionChoice } from "./action-bar.js";

/** What the bridge was asked to do, once it has accepted it. */
export function actionWords(choice: ActionChoice, manifest: DemoManifest): string {
  switch (choice.action) {
    case "add":
      return `Added a ${manifest.roles[choice.role ?? ""]?.label.toLowerCase() ?? "process"}`;
    case "kill":
      return `Killed ${choice.node}: whatever was queued for it goes with it`;
    case "restart":
      return `Restarted ${choice.node}`;
    case "send-twice":
      return `Sending a second request from ${choice.node} before its reply…`;
    case "filter":
      return `${choice.node} now subscribes to ${choice.filter ? `“${choice.filter}”` : "everything"}`;
  }
}

/**
 * A refusal libzmq made that a viewer provoked, in words; undefined for any other error.
 * EFSM: the socket's state machine forbids the call (a REQ sending before its reply came).
 */
export function refusalWords(error: Extract<NodeEvent, { kind: "error" }>): string | undefined {
  return error.code === "EFSM" ? "Sent twice: libzmq refused with EFSM" : undefined;
}
