/**
 * A small logger in the shape of Python's `logging`, which the talk's original used: a logger
 * makes records and hands each to its handlers. Handlers are where the records go.
 */
import type { LEVELS } from "../../protocol/demos/pub-logger/levels.js";

export type Level = (typeof LEVELS)[number];

/** One log record, as every handler receives it. */
export interface LogRecord {
  level: Level;
  /** The logger's name: which program wrote it. */
  name: string;
  message: string;
  /** Wall-clock time, ISO 8601. */
  time: string;
}

export type Handler = (record: LogRecord) => void;

export class Logger {
  readonly name: string;
  readonly #handlers: Handler[] = [];

  constructor(name: string) {
    this.name = name;
  }

  addHandler(handler: Handler): void {
    this.#handlers.push(handler);
  }

  log(level: Level, message: string): void {
    const record: LogRecord = { level, name: this.name, message, time: new Date().toISOString() };
    for (const handler of this.#handlers) handler(record);
  }
}
