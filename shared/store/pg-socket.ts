// The TCP socket postgres.js talks through on Workers, in place of its own Workers polyfill.
//
// The polyfill's read loop reports a failed read by emitting "error", and postgres.js removes
// every listener from a socket as soon as it closes. A connection that closes from our side
// (idle for STORE_IDLE_SECONDS, or cut by the server) then fails its last read with no
// listener left: the emit throws inside the loop, and the loop's promise is rejected with
// nobody to catch it, one unhandled rejection per closed connection. Here a failure after the
// socket is closed, or with nobody listening, is dropped: the connection has already gone, and
// any query on it has already failed. Plain TCP only; a connection string that asks for TLS
// keeps postgres.js's own socket (see `ownSocket`).

import { connect } from "cloudflare:sockets";
import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";

export class WorkersPgSocket extends EventEmitter {
  /** Read by postgres.js: it sends its goodbye only to an open socket. */
  readyState: "open" | "closed" = "open";
  readonly #socket: Socket;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(host: string, port: number) {
    super();
    // Writes before the connection is up wait for it; a connection that never comes up is
    // postgres.js's connect timeout to end.
    this.#socket = connect({ hostname: host, port });
    this.#writer = this.#socket.writable.getWriter();
    this.#socket.closed.then(
      () => this.#close(),
      (error: unknown) => this.#fail(error),
    );
    void this.#read();
  }

  write(data: Uint8Array, done?: () => void): boolean {
    this.#writer.write(data).then(done, (error: unknown) => this.#fail(error));
    return true;
  }

  end(data?: Uint8Array): void {
    if (data) this.write(data, () => this.#shut());
    else this.#shut();
  }

  destroy(): void {
    this.#shut();
  }

  async #read(): Promise<void> {
    const reader = this.#socket.readable.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.emit("data", Buffer.from(value));
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #shut(): void {
    // The outcome arrives through `closed`; a second close of a closed socket is no news.
    this.#socket.close().catch(() => {});
  }

  #fail(error: unknown): void {
    if (this.readyState === "closed") return;
    if (this.listenerCount("error") > 0) this.emit("error", error);
    this.#close();
  }

  #close(): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.emit("close");
  }
}

/** Whether a connection string leaves TLS off, so that WorkersPgSocket can carry it
 * (Hyperdrive's connection strings do, and so does a local Postgres). One it cannot read
 * (several hosts, say) keeps postgres.js's own socket. */
export function ownSocket(connectionString: string): boolean {
  let params: URLSearchParams;
  try {
    params = new URL(connectionString).searchParams;
  } catch {
    return false;
  }
  const tls = params.get("sslmode") ?? params.get("ssl");
  return (tls === null || tls === "disable" || tls === "false") && params.get("sslrootcert") !== "system";
}
