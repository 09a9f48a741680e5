/**
 * Who may reach the bridge, and as what.
 *
 * Local (the default): the server listens on 127.0.0.1 only, so every client is on this
 * machine; the Host and Origin checks keep a web page the presenter happens to visit (or a
 * DNS-rebound name) from opening a WebSocket and starting processes. Every accepted page is
 * the presenter.
 *
 * Shared (`--share`): the server also listens on the network, and a random token printed at
 * start, handed out in the viewers' URL, is the only way in from elsewhere. A page holding
 * the token is a viewer: it may watch the presenter's runs, never start, stop or act on them.
 * The presenter is a page on this machine (loopback address, a loopback Host) without a
 * token, so a viewer cannot become the presenter by any URL, and the presenter needs no
 * secret on the projector. The token travels in the URL's `?token=` (also accepted on the
 * WebSocket upgrade) and, once a page has shown it, in an HttpOnly cookie, so the deck's
 * scripts and styles load without it in their URLs.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { networkInterfaces, hostname } from "node:os";
import type { AccessRole, ClientMessage } from "../protocol/messages.js";
import { readRequestTarget } from "./request-target.js";

export const TOKEN_COOKIE = "zmq-share-token";

/** The messages a viewer may send; everything else, including types added later, is the presenter's. */
const VIEWER_MESSAGES: ReadonlySet<ClientMessage["type"]> = new Set(["watch"]);

export interface AccessPolicy {
  /** The share token when the deck is shared; undefined when the bridge is local only. */
  readonly shareToken: string | undefined;
  /** Host:port values this server is reached at; a WebSocket's Host must be one, its Origin `http://` that. */
  allowedHosts(): ReadonlySet<string>;
}

export type UpgradeDecision = { role: AccessRole } | { refuse: "401 Unauthorized" | "403 Forbidden" };

/** A fresh share token: 128 random bits, URL-safe. */
export function newShareToken(): string {
  return randomBytes(16).toString("base64url");
}

/** The Host values a server bound to `host` on `port` answers to. */
export function hostsFor(host: string, port: number, sharing: boolean): Set<string> {
  const names = new Set(["127.0.0.1", "localhost", "[::1]"]);
  if (sharing) {
    names.add(host.includes(":") ? `[${host}]` : host);
    names.add(hostname());
    names.add(`${hostname()}.local`);
    for (const address of lanAddresses()) names.add(address.includes(":") ? `[${address}]` : address);
  }
  return new Set([...names].map((name) => `${name}:${port}`));
}

/** This machine's network addresses other than loopback, for the URL viewers are given. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .map((entry) => entry.address);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "127.0.0.1" || name === "localhost" || name === "[::1]";
}

/** Whether `given` is the token, compared in constant time. */
function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries, in its query or its cookie; undefined when it carries none. */
function tokenOf(request: IncomingMessage): string | undefined {
  const fromQuery = readRequestTarget(request.url)?.query.get("token") ?? null;
  if (fromQuery !== null) return fromQuery;
  for (const pair of (request.headers.cookie ?? "").split(";")) {
    const [name, ...value] = pair.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return undefined;
}

/**
 * Whether a WebSocket upgrade may proceed, and as whom. Browsers always send Origin, so a
 * page elsewhere is refused; no Origin is a local program, not a page.
 */
export function decideUpgrade(request: IncomingMessage, policy: AccessPolicy): UpgradeDecision {
  const host = request.headers.host ?? "";
  if (!policy.allowedHosts().has(host)) return { refuse: "403 Forbidden" };
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { refuse: "403 Forbidden" };
  const local = isLoopbackAddress(request.socket.remoteAddress);
  if (policy.shareToken === undefined) return local ? { role: "presenter" } : { refuse: "403 Forbidden" };

  const token = tokenOf(request);
  if (token !== undefined) return tokenMatches(token, policy.shareToken) ? { role: "viewer" } : { refuse: "401 Unauthorized" };
  return local && isLoopbackHost(host) ? { role: "presenter" } : { refuse: "401 Unauthorized" };
}

/** Whether a connection in `role` may send a message of `type`. */
export function mayDo(role: AccessRole, type: ClientMessage["type"]): boolean {
  return role === "presenter" || VIEWER_MESSAGES.has(type);
}

/**
 * For a shared deck: lets an HTTP request through when it comes from this machine or holds
 * the token (and then remembers the token in a cookie); answers 401 otherwise. Returns
 * whether the request may be served. A local-only bridge lets everything through: only this
 * machine can reach it.
 */
export function admitHttp(request: IncomingMessage, response: ServerResponse, policy: AccessPolicy): boolean {
  if (policy.shareToken === undefined || isLoopbackAddress(request.socket.remoteAddress)) return true;
  const token = tokenOf(request);
  if (tokenMatches(token, policy.shareToken)) {
    response.setHeader("set-cookie", `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    return true;
  }
  response.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
  response.end("This deck is shared with a link that holds a token: ask the presenter for it.\n");
  return false;
}
