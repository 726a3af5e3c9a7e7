// A scripted stand-in for the browser WebSocket, for component and store tests: the test
// decides when it opens, what the server says and how it closes.
type Listener = (e: unknown) => void;

export class FakeSocket {
  static all: FakeSocket[] = [];
  static last(): FakeSocket {
    const s = FakeSocket.all.at(-1);
    if (!s) throw new Error("no socket was opened");
    return s;
  }
  static reset() {
    FakeSocket.all = [];
  }

  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = "blob";
  sent: string[] = [];
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly url: string,
    readonly protocols: string | string[] = [],
  ) {
    FakeSocket.all.push(this);
  }

  addEventListener(type: string, fn: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(fn);
  }
  removeEventListener(type: string, fn: Listener) {
    this.listeners.get(type)?.delete(fn);
  }
  private emit(type: string, e: object) {
    for (const fn of [...(this.listeners.get(type) ?? [])]) fn({ type, ...e });
  }

  send(data: string) {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(data);
  }
  close(code = 1000, reason = "") {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.emit("close", { code, reason, wasClean: true });
  }

  // --- the test's side ---
  open() {
    this.readyState = 1;
    this.emit("open", {});
  }
  receive(frame: object) {
    this.emit("message", { data: JSON.stringify(frame) });
  }
  /** A text frame as it is, JSON or not. */
  receiveRaw(data: string) {
    this.emit("message", { data });
  }
  drop(code: number, reason = "") {
    this.readyState = 3;
    this.emit("close", { code, reason, wasClean: false });
  }
  frames(): unknown[] {
    return this.sent.map((s) => JSON.parse(s));
  }
}
