import { setTimeout as sleep } from "node:timers/promises";
import { runRole } from "../lib/role.js";
import { LEVELS } from "../../protocol/demos/pub-logger/levels.js";
import { Logger } from "./logger.js";
import { pubLogger } from "../../protocol/demos/pub-logger/manifest.js";
import { addZmqHandler } from "./pub-log.js";

/** A program that logs as it works, `rate` records a second, at every level in turn. */
export async function work(endpoint: string, name: string, rate: number) {
  const logger = new Logger(name);
  addZmqHandler(logger, endpoint);
  logger.addHandler((record) => console.log(`${record.level}: ${record.message}`));

  for (let step = 1; ; step++) {
    logger.log(LEVELS[step % LEVELS.length]!, `step ${step} of ${name}`);
    await sleep(1000 / rate);
  }
}

runRole(pubLogger, "program", ({ endpoint, name, params }) => work(endpoint, name, params.rate));
