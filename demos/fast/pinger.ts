import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { fast } from "../../protocol/demos/fast/manifest.js";

export async function measureRoundTrip(endpoint: string, size: number, pings: number) {
  const socket = new zmq.Request();
  socket.connect(endpoint);
  const message = Buffer.alloc(size, "p");
  await sleep(750); // take turns with the sender's bursts

  for (;;) {
    const times: number[] = [];
    for (let i = 0; i < pings; i++) {
      const start = performance.now();
      await socket.send(message);
      await socket.receive();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const micros = (ms: number) => `${Math.round(ms * 1000)} µs`;
    console.log(`round trip × ${pings}: median ${micros(times[pings >> 1]!)}, best ${micros(times[0]!)}`);
    await sleep(1500);
  }
}

runRole(fast, "pinger", ({ endpoint, params }) => measureRoundTrip(endpoint, params.size, params.pings));
