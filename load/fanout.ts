// k6 entry: WebSocket fan-out only. ROOMS x MEMBERS sockets for DURATION, WS_SENDERS per room
// sending every WS_SEND_INTERVAL_MS; delivery latency, acks, gaps and duplicates measured.
//   k6 run -e BASE_URL=http://127.0.0.1:5173 -e USERS=20 -e ROOMS=1 -e MEMBERS=100 load/fanout.ts
import { config } from "./lib/config.ts";
import { entry } from "./lib/entry.ts";
import * as t from "./lib/thresholds.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";

export { fanout } from "./scenarios/fanout.ts";

export const { options, setup, teardown } = entry({
  scenarios: { fanout: fanoutScenario(config.duration) },
  thresholds: [t.fanout],
  needs: { rooms: true },
});
