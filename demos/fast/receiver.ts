import * as zmq from "../lib/zmq.js";
import { runRole } from "../lib/role.js";
import { fast } from "../../protocol/demos/fast/manifest.js";

export async function measureThroughput(endpoint: string, count: number) {
  const socket = new zmq.Pull();
  await socket.bind(endpoint);

  let received = 0;
  let bytes = 0;
  let start = 0;
  for await (const frames of socket) {
    if (received === 0) start = performance.now();
    bytes += frames.reduce((total, frame) => total + frame.length, 0);
    if (++received < count) continue;

    const seconds = (performance.now() - start) / 1000;
    const perSecond = Math.round(count / seconds).toLocaleString("en");
    console.log(
      `Received ${count.toLocaleString("en")} in ${Math.round(seconds * 1000).toLocaleString("en")} ms: ${perSecond} msg/s, ${(bytes / seconds / 1e6).toFixed(1)} MB/s`,
    );
    received = 0;
    bytes = 0;
  }
}

runRole(fast, "receiver", ({ endpoint, params }) => measureThroughput(endpoint, params.count));
