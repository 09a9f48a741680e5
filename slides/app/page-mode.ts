/**
 * What kind of page this is, decided from its address before anything is drawn: the deck the
 * audience sees (live), a preview inside reveal.js's speaker view (mirror: never starts
 * processes, follows and drives the main window; reveal.js adds ?receiver), or the print view
 * behind the PDF (print: still frames of recorded runs, no bridge at all); and whether it is a
 * viewer's page of a shared deck (its link holds the share token).
 */
export type PageMode = "live" | "mirror" | "print";

export const pageMode: PageMode = /print-pdf/i.test(location.search) ? "print" : /receiver/i.test(location.search) ? "mirror" : "live";

/** The token of a shared deck's viewers' link, if this page was opened with one. */
export function shareToken(): string | undefined {
  return new URLSearchParams(location.search).get("token") ?? undefined;
}
