/**
 * reveal.js's speaker view is a window its notes plugin writes itself, with the deck in two
 * frames (current and upcoming slide). From inside those frames, which share its origin, the
 * deck mends two things in it: the "Upcoming" badge sat on the next slide's title, and long
 * notes ran off the bottom of the window. The rules go in as a constructed stylesheet: no
 * inline style, no script.
 */
const RULES = `
  #upcoming-slide { padding-top: 48px !important; }
  #upcoming-slide .label { top: 6px !important; }
  #speaker-controls { overflow-y: auto !important; }
  .speaker-controls-notes .value { font-size: 1.05em !important; overflow-wrap: anywhere; }
`;

/** Adds the rules to the speaker view this frame is in, once; nothing when the page is not in one. */
export function mendSpeakerView(): void {
  let host: Window & typeof globalThis;
  try {
    host = window.parent as Window & typeof globalThis;
    if (host === window || !host.document.getElementById("upcoming-slide")) return;
  } catch {
    return; // another origin's frame: none of ours
  }
  const document = host.document;
  if (document.documentElement.dataset.zmqMended) return;
  document.documentElement.dataset.zmqMended = "true";
  const sheet = new host.CSSStyleSheet();
  sheet.replaceSync(RULES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
