/**
 * What kind of page this is, decided from its address before anything is drawn: the deck the
 * audience sees (live), a preview inside reveal.js's speaker view (mirror: never starts
 * processes, follows and drives the main window; reveal.js adds ?receiver), or the print view
 * behind the PDF (print: still frames of recorded runs, no bridge at all); and whether it is a
 * viewer's page of a shared deck (its link holds the share token).
 */
export type PageMode = "live" | "mirror" | "print";

export const pageMode: PageMode = /print-pdf/i.test(location.search) ? "print" : /receiver/i.test(location.search) ? "mirror" : "live";

const SHARE_TOKEN_KEY = "zmq-share-token";
/** The page's share token once read; null before. */
let pageShareToken: string | undefined | null = null;

/**
 * The token of a shared deck's viewers' link, if this page was opened with one. It is taken out
 * of the address as soon as it is read (left there, it is on screen, in bookmarks, in whatever
 * address gets copied) and kept for this tab, so that a reload is still a viewer's page. The
 * page's files load with the HttpOnly cookie the bridge set when it first served the link.
 */
export function shareToken(): string | undefined {
  if (pageShareToken !== null) return pageShareToken;
  const address = new URL(location.href);
  const fromAddress = address.searchParams.get("token");
  if (fromAddress !== null) {
    address.searchParams.delete("token");
    history.replaceState(history.state, "", address.href);
    try {
      sessionStorage.setItem(SHARE_TOKEN_KEY, fromAddress);
    } catch {
      // No session storage: a reload will need the link again.
    }
  }
  let kept: string | null = null;
  try {
    kept = sessionStorage.getItem(SHARE_TOKEN_KEY);
  } catch {
    // As above.
  }
  pageShareToken = fromAddress ?? kept ?? undefined;
  return pageShareToken;
}
