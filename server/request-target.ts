/**
 * The path and query of an HTTP request, read so that nothing a client sends can make it
 * throw. Node's parser accepts request targets that the WHATWG URL parser rejects — `//[/`
 * parses as a URL whose host is `[` — and `new URL()` then throws out of whichever handler
 * called it. A server like this one is only ever sent origin-form targets (an absolute path,
 * then an optional query), so that is the only form read: the path is kept as sent, still
 * percent-encoded, and the query is read by URLSearchParams, which never throws.
 */
export interface RequestTarget {
  /** The path as the client sent it, percent-encoding and all: "/assets/deck.js". */
  pathname: string;
  query: URLSearchParams;
}

/** The target of `rawUrl` (a request's `url`), or undefined when it is not an absolute path. */
export function readRequestTarget(rawUrl: string | undefined): RequestTarget | undefined {
  if (rawUrl === undefined || !rawUrl.startsWith("/")) return undefined;
  const fragmentAt = rawUrl.indexOf("#");
  const target = fragmentAt === -1 ? rawUrl : rawUrl.slice(0, fragmentAt);
  const queryAt = target.indexOf("?");
  return {
    pathname: queryAt === -1 ? target : target.slice(0, queryAt),
    query: new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1)),
  };
}
