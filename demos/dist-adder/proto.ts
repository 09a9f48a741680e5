/**
 * The distributed adder's messages, and how they go on the wire: JSON, one frame each.
 * `load` checks what it is given, so a malformed frame from anywhere becomes a
 * ProtocolError that names what is wrong, never a crash further in.
 */

/** A frame that is not the message it should be. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

function parseObject(frame: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(frame).toString("utf8"));
  } catch {
    throw new ProtocolError(`a ${what} must be JSON; got ${frame.length} bytes that are not`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ProtocolError(`a ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function wholeNumber(value: unknown, field: string, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new ProtocolError(`a ${what}'s ${field} must be a whole number`);
  return value;
}

/** A sub-array for a worker to add up. */
export class Task {
  constructor(
    /** Which sub-array this is, from 0. */
    readonly id: number,
    readonly numbers: number[],
  ) {}

  dump(): Buffer {
    return Buffer.from(JSON.stringify({ id: this.id, numbers: this.numbers }));
  }

  static load(frame: Uint8Array): Task {
    const { id, numbers } = parseObject(frame, "Task");
    if (!Array.isArray(numbers)) throw new ProtocolError("a Task's numbers must be an array");
    return new Task(
      wholeNumber(id, "id", "Task"),
      numbers.map((number) => wholeNumber(number, "numbers", "Task")),
    );
  }
}

/** A worker's sum of one task. */
export class Result {
  constructor(
    readonly taskId: number,
    /** The worker that did it, by its number. */
    readonly worker: number,
    readonly sum: number,
  ) {}

  dump(): Buffer {
    return Buffer.from(JSON.stringify({ taskId: this.taskId, worker: this.worker, sum: this.sum }));
  }

  static load(frame: Uint8Array): Result {
    const fields = parseObject(frame, "Result");
    const field = (name: string) => wholeNumber(fields[name], name, "Result");
    return new Result(field("taskId"), field("worker"), field("sum"));
  }
}
