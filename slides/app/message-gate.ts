/**
 * Which messages posted to this window reach reveal.js.
 *
 * reveal.js's postMessage API runs any of its methods for any window that holds a reference to
 * this one: a page the presenter visits could open the deck, or frame it, and post `triggerKey`
 * for R, and the deck's own WebSocket would start processes. So the API is off (main.ts), and
 * this gate, listening first (capture), drops every message from another origin before reveal.js
 * or its notes plugin sees it — even should a `?postMessage=true` in the address have turned the
 * API back on. From this origin come the speaker view's messages (reveal.js opens it from this
 * window, and its previews are this deck again); of the API they use three calls, carried here:
 * setState and next (the previews follow the main window, the main window follows navigation in
 * the speaker view) and triggerKey (keys pressed in the speaker view act on its current slide).
 */
import type { RevealApi } from "reveal.js";

export function guardPostMessages(deck: RevealApi): void {
  window.addEventListener(
    "message",
    (event) => {
      if (event.origin !== location.origin) {
        event.stopImmediatePropagation();
        return;
      }
      const call = apiCall(event.data);
      if (!call) return; // the notes plugin's own messages (namespace "reveal-notes") go on to it
      event.stopImmediatePropagation();
      switch (call.method) {
        case "setState":
          deck.setState(call.args[0] as Parameters<RevealApi["setState"]>[0]);
          return;
        case "next":
          deck.next();
          return;
        case "triggerKey":
          deck.triggerKey(Number(call.args[0]));
          return;
      }
    },
    { capture: true },
  );
}

/** The reveal.js API call a message asks for ({"method": …, "args": […]} as JSON), if it is one. */
function apiCall(data: unknown): { method: string; args: unknown[] } | undefined {
  if (typeof data !== "string" || !data.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const { method, args } = (parsed ?? {}) as { method?: unknown; args?: unknown };
  if (typeof method !== "string") return undefined;
  return { method, args: Array.isArray(args) ? args : [] };
}
