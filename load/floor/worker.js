// The start-up floor: the least a Worker built like Parlor can be (Hono routing in front of a
// Durable Object), for `npm run bench`'s start-up phase to compare Parlor's start-up CPU with.
// Not a chat: it only has to load the same framework and declare a Durable Object class.
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";

export class FloorRoom extends DurableObject {
  async fetch() {
    return new Response("ok");
  }
}

const app = new Hono();
app.get("/api/health", (c) => c.json({ status: "ok" }));
app.all("/api/rooms/:id/*", (c) => c.env.ROOM.get(c.env.ROOM.idFromName(c.req.param("id"))).fetch(c.req.raw));

export default app;
