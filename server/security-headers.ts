/**
 * The headers every page and file of the deck is sent with, so that nothing shown on a page
 * can script it and no other site can drive it (see README, "Security model").
 *
 * - Scripts: the deck's own files only: no inline script, no eval. The one exception is named
 *   by its hash: reveal.js's speaker view is a page the notes plugin writes into a window it
 *   opens (about:blank, which takes this page's policy), with its code inline. Only that exact
 *   script may run; tests/security-headers.test.ts checks the hash against the installed reveal.js.
 * - Styles may be inline: highlighted code and the figures carry style attributes, and they
 *   cannot run code.
 * - Frames: only pages of this origin may frame the deck (the speaker view frames it twice);
 *   X-Frame-Options says the same to browsers that read only that.
 * - A window of another site that opens the deck gets no handle on it (COOP), so it cannot
 *   post it messages; slides/app/message-gate.ts refuses them anyway.
 * - No Referer leaves a page: a viewer's address once held the share token.
 */
import type { ServerResponse } from "node:http";

/** sha256 of the inline script of reveal.js's speaker view (reveal.js 6.0.2's notes plugin). */
export const SPEAKER_VIEW_SCRIPT_HASH = "sha256-GzCveToXhSIzS3M5eQeRm3McVRB7cYneYKwTkzA3wDk=";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' '${SPEAKER_VIEW_SCRIPT_HASH}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  // The bridge's WebSocket (and Vite's, in dev) on this same host and port.
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "SAMEORIGIN",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** Puts the deck's security headers on a response, before anything else is written to it. */
export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(HEADERS)) response.setHeader(name, value);
}
