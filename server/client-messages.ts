/**
 * The check at the boundary: every WebSocket message from a browser is parsed here, against
 * schemas held to protocol/messages.ts's types (`satisfies`), before any of it is used.
 */
import { z } from "zod";
import { ACTION_NAMES, type ActionName } from "../protocol/manifest.js";
import {
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_CODE_BYTES,
  MAX_CODE_MESSAGE_BYTES,
  type ActionRequest,
  type CheckRequest,
  type ClientMessage,
  type ErrorCode,
  type RunRequest,
  type SlideRequest,
  type StopRequest,
  type WatchRequest,
} from "../protocol/messages.js";

const requestId = z.string().min(1).max(64);
const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");

const runRequest = z.strictObject({
  type: z.literal("run"),
  requestId,
  demo: identifier,
  /** Parameter values by name; the demo's manifest bounds them. Missing ones take defaults. */
  params: z.record(identifier, z.number()).optional(),
  /** A learner's version of one role's function; its size is checked after parsing (code-too-large). */
  code: z.strictObject({ role: identifier, source: z.string() }).optional(),
}) satisfies z.ZodType<RunRequest>;

/** Checks a learner's version of a role's function, for the editor's marks while typing: nothing starts. */
const checkRequest = z.strictObject({
  type: z.literal("check"),
  requestId,
  demo: identifier,
  role: identifier,
  source: z.string(),
}) satisfies z.ZodType<CheckRequest>;

const stopRequest = z.strictObject({
  type: z.literal("stop"),
  requestId,
  runId: identifier,
}) satisfies z.ZodType<StopRequest>;

/**
 * Something a viewer does to a live run, as the demo's manifest allows: `node` names a process
 * ("worker-3") for kill, restart, send-twice and filter; `role` names a role for add. `filter`
 * is one of the role's listed filters. Names and choices only: never a command or a path.
 */
const actionRequest = z.strictObject({
  type: z.literal("action"),
  requestId,
  runId: identifier,
  action: z.enum(ACTION_NAMES as [ActionName, ...ActionName[]]),
  node: identifier.optional(),
  role: identifier.optional(),
  filter: z.string().max(64).optional(),
}) satisfies z.ZodType<ActionRequest>;

/** A viewer (or any page) asks to be shown the presenter's runs of one demo, live and future. */
const watchRequest = z.strictObject({
  type: z.literal("watch"),
  requestId,
  demo: identifier,
}) satisfies z.ZodType<WatchRequest>;

/** The presenter shows slide `slide` (its id): viewers who follow go there too. */
const slideRequest = z.strictObject({
  type: z.literal("slide"),
  requestId,
  slide: identifier,
}) satisfies z.ZodType<SlideRequest>;

const clientMessage = z.discriminatedUnion("type", [
  runRequest,
  stopRequest,
  actionRequest,
  watchRequest,
  slideRequest,
  checkRequest,
]) satisfies z.ZodType<ClientMessage>;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string; requestId?: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** Whether a message claims to carry code, and so may be longer than any other. */
function carriesCode(json: unknown): boolean {
  const message = json as { type?: unknown; code?: unknown } | null;
  return (
    typeof message === "object" &&
    message !== null &&
    (message.type === "check" || (message.type === "run" && typeof message.code === "object"))
  );
}

/**
 * Checks one WebSocket message from a client. Everything from the network passes here before
 * any of it is used.
 */
export function parseClientMessage(data: Buffer | string, isBinary: boolean): ParseResult {
  if (isBinary) return { ok: false, code: "binary-not-accepted", message: "messages must be JSON text" };
  const text = typeof data === "string" ? data : data.toString("utf8");
  const bytes = Buffer.byteLength(text);
  const tooLarge: ParseResult = {
    ok: false,
    code: "too-large",
    message: `messages are at most ${MAX_CLIENT_MESSAGE_BYTES} bytes (${MAX_CODE_MESSAGE_BYTES} with code)`,
  };
  if (bytes > MAX_CODE_MESSAGE_BYTES) return tooLarge;
  let json: unknown;
  let prototypeKey = false;
  try {
    // zod's record() drops a "__proto__" key without a word, which would let an unknown field through.
    json = JSON.parse(text, (key, value: unknown) => {
      if (key === "__proto__") prototypeKey = true;
      return value;
    });
  } catch {
    return { ok: false, code: "bad-json", message: "message is not valid JSON" };
  }
  if (prototypeKey) return { ok: false, code: "bad-message", message: "__proto__ is not a field of any message" };
  if (bytes > MAX_CLIENT_MESSAGE_BYTES && !carriesCode(json)) return tooLarge;
  const parsed = clientMessage.safeParse(json);
  if (parsed.success) {
    const message = parsed.data;
    const source = message.type === "check" ? message.source : message.type === "run" ? message.code?.source : undefined;
    if (source !== undefined && Buffer.byteLength(source) > MAX_CODE_BYTES) {
      return {
        ok: false,
        code: "code-too-large",
        message: `the edited code is ${Buffer.byteLength(source)} bytes; at most ${MAX_CODE_BYTES} (32 KB) may be run or checked`,
        requestId: message.requestId,
      };
    }
    return { ok: true, message };
  }
  // Echo a well-formed requestId so the client can tie the error to its request.
  const echoed = requestId.safeParse((json as { requestId?: unknown } | null)?.requestId);
  return {
    ok: false,
    code: "bad-message",
    message: describeIssues(parsed.error),
    ...(echoed.success ? { requestId: echoed.data } : {}),
  };
}
