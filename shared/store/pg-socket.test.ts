// The socket postgres.js uses on Workers, on real connections to the local Postgres through
// Hyperdrive's local connection string (project worker-pg only). Vitest fails a run
// that leaves an unhandled rejection behind, which is what postgres.js's own Workers socket
// did on every connection closed from our side.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ownSocket, WorkersPgSocket } from "./pg-socket";

describe("which connections WorkersPgSocket carries", () => {
  it("carries plain connections and leaves TLS, and what it cannot read, to postgres.js", () => {
    expect(ownSocket("postgresql://u:p@abc.hyperdrive.local:5432/db")).toBe(true);
    expect(ownSocket("postgres://u@127.0.0.1:5432/db?sslmode=disable")).toBe(true);
    expect(ownSocket("postgres://u@db.example.com/db?sslmode=require")).toBe(false);
    expect(ownSocket("postgres://u@db.example.com/db?ssl=true")).toBe(false);
    expect(ownSocket("postgres://u@db.example.com/db?sslrootcert=system")).toBe(false);
    expect(ownSocket("not a url")).toBe(false);
  });
});

describe("WorkersPgSocket on a real connection", () => {
  const open = () => {
    const url = new URL((env as { HYPERDRIVE: Hyperdrive }).HYPERDRIVE.connectionString);
    return new WorkersPgSocket(url.hostname, Number(url.port || 5432));
  };
  const closed = (socket: WorkersPgSocket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));

  it("closes from our side with a read pending and nobody listening, and closing again is a no-op", async () => {
    const socket = open();
    const gone = closed(socket);
    // A cancel request of nobody's query: the server reads it and says nothing, so the read
    // loop is still waiting when we close.
    const cancel = new DataView(new ArrayBuffer(16));
    cancel.setInt32(0, 16);
    cancel.setInt32(4, 80877102);
    socket.end(new Uint8Array(cancel.buffer));
    await gone;
    expect(socket.readyState).toBe("closed");
    socket.end();
    socket.destroy();
    socket.write(new Uint8Array([0]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socket.readyState).toBe("closed");
  });

  it("reports the server's answer as data and its hang-up as one close", async () => {
    const socket = open();
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    let closes = 0;
    socket.on("close", () => closes++);
    const gone = closed(socket);
    // An SSL request: the server answers one byte, N (no TLS here), and waits for a startup
    // message; a malformed one makes it hang up.
    const ssl = new DataView(new ArrayBuffer(8));
    ssl.setInt32(0, 8);
    ssl.setInt32(4, 80877103);
    socket.write(new Uint8Array(ssl.buffer));
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.write(new Uint8Array([0, 0, 0, 4]));
    await gone;
    expect(Buffer.concat(chunks).toString("latin1")).toMatch(/^N/);
    expect(closes).toBe(1);
  });
});
