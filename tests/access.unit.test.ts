/**
 * Who may reach the bridge and as what, decided from a request's address, Host, Origin and
 * token. Requests from other machines cannot be made over loopback, so they are built here.
 */
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, it } from "node:test";
import { type AccessPolicy, TOKEN_COOKIE, admitHttp, decideUpgrade, mayDo, newShareToken } from "../server/access.js";

const TOKEN = newShareToken();
const local: AccessPolicy = { shareToken: undefined, allowedHosts: () => new Set(["127.0.0.1:4177", "localhost:4177"]) };
const shared: AccessPolicy = { shareToken: TOKEN, allowedHosts: () => new Set(["127.0.0.1:4177", "localhost:4177", "192.0.2.2:4177"]) };

function request(options: { from: string; host: string; origin?: string; url?: string; cookie?: string }): IncomingMessage {
  const headers: Record<string, string> = { host: options.host };
  if (options.origin !== undefined) headers.origin = options.origin;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  return { headers, url: options.url ?? "/ws", socket: { remoteAddress: options.from } } as unknown as IncomingMessage;
}

/** A response that records what was written to it. */
function response(): ServerResponse & { status?: number; cookie?: string } {
  const recorded: { status?: number; cookie?: string } = {};
  return Object.assign(recorded, {
    setHeader(name: string, value: string) {
      if (name === "set-cookie") recorded.cookie = value;
    },
    writeHead(status: number) {
      recorded.status = status;
    },
    end() {},
  }) as unknown as ServerResponse & { status?: number; cookie?: string };
}

describe("who may open the bridge's WebSocket", () => {
  it("local: the deck's own page on this machine is the presenter", () => {
    assert.deepEqual(decideUpgrade(request({ from: "127.0.0.1", host: "127.0.0.1:4177", origin: "http://127.0.0.1:4177" }), local), {
      role: "presenter",
    });
  });

  it("local: a page from another origin, or a rebound Host, is refused", () => {
    assert.deepEqual(decideUpgrade(request({ from: "127.0.0.1", host: "127.0.0.1:4177", origin: "http://evil.example" }), local), {
      refuse: "403 Forbidden",
    });
    assert.deepEqual(decideUpgrade(request({ from: "127.0.0.1", host: "evil.example:4177", origin: "http://evil.example:4177" }), local), {
      refuse: "403 Forbidden",
    });
  });

  it("local: a connection from another machine is refused, token or not", () => {
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.9", host: "127.0.0.1:4177", url: `/ws?token=${TOKEN}` }), local), {
      refuse: "403 Forbidden",
    });
  });

  it("shared: a page elsewhere holding the token is a viewer, by URL or by cookie", () => {
    const host = "192.0.2.2:4177";
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.9", host, origin: `http://${host}`, url: `/ws?token=${TOKEN}` }), shared), {
      role: "viewer",
    });
    assert.deepEqual(
      decideUpgrade(request({ from: "192.0.2.9", host, origin: `http://${host}`, cookie: `a=b; ${TOKEN_COOKIE}=${TOKEN}` }), shared),
      { role: "viewer" },
    );
  });

  it("shared: a page elsewhere without the token, or with a wrong one, is refused", () => {
    const host = "192.0.2.2:4177";
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.9", host, origin: `http://${host}` }), shared), { refuse: "401 Unauthorized" });
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.9", host, origin: `http://${host}`, url: `/ws?token=${TOKEN}x` }), shared), {
      refuse: "401 Unauthorized",
    });
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.9", host, origin: `http://${host}`, url: "/ws?token=" }), shared), {
      refuse: "401 Unauthorized",
    });
  });

  it("shared: only a loopback page without a token is the presenter; with the token it is a viewer", () => {
    const host = "127.0.0.1:4177";
    assert.deepEqual(decideUpgrade(request({ from: "127.0.0.1", host, origin: `http://${host}` }), shared), { role: "presenter" });
    assert.deepEqual(decideUpgrade(request({ from: "127.0.0.1", host, origin: `http://${host}`, url: `/ws?token=${TOKEN}` }), shared), {
      role: "viewer",
    });
    // This machine, but reached by its network address: the presenter's page uses loopback.
    assert.deepEqual(decideUpgrade(request({ from: "192.0.2.2", host: "192.0.2.2:4177", origin: "http://192.0.2.2:4177" }), shared), {
      refuse: "401 Unauthorized",
    });
  });

  it("shared: a page from another origin is refused even with the token", () => {
    const host = "192.0.2.2:4177";
    assert.deepEqual(
      decideUpgrade(request({ from: "192.0.2.9", host, origin: "http://evil.example", url: `/ws?token=${TOKEN}` }), shared),
      { refuse: "403 Forbidden" },
    );
  });

  it("viewers may only watch; the presenter may do everything, including message types added later", () => {
    assert.equal(mayDo("viewer", "watch"), true);
    assert.equal(mayDo("viewer", "run"), false);
    assert.equal(mayDo("viewer", "stop"), false);
    assert.equal(mayDo("viewer", "action" as "run"), false);
    assert.equal(mayDo("presenter", "run"), true);
  });

  it("share tokens are long and fresh each time", () => {
    assert.ok(TOKEN.length >= 22);
    assert.notEqual(newShareToken(), newShareToken());
  });
});

describe("who may load the shared deck over HTTP", () => {
  it("a local bridge serves every request: only this machine can reach it", () => {
    assert.equal(admitHttp(request({ from: "127.0.0.1", host: "127.0.0.1:4177", url: "/" }), response(), local), true);
  });

  it("shared: this machine is served; elsewhere, only with the token, which is then kept in an HttpOnly cookie", () => {
    assert.equal(admitHttp(request({ from: "127.0.0.1", host: "127.0.0.1:4177", url: "/" }), response(), shared), true);
    const refused = response();
    assert.equal(admitHttp(request({ from: "192.0.2.9", host: "192.0.2.2:4177", url: "/assets/index.js" }), refused, shared), false);
    assert.equal(refused.status, 401);
    const admitted = response();
    assert.equal(admitHttp(request({ from: "192.0.2.9", host: "192.0.2.2:4177", url: `/?token=${TOKEN}` }), admitted, shared), true);
    assert.match(admitted.cookie ?? "", new RegExp(`^${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict`));
    assert.equal(
      admitHttp(
        request({ from: "192.0.2.9", host: "192.0.2.2:4177", url: "/assets/index.js", cookie: `${TOKEN_COOKIE}=${TOKEN}` }),
        response(),
        shared,
      ),
      true,
    );
  });
});
