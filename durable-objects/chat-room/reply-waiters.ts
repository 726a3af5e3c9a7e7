// `POST .../messages?wait=true` waits in the room for the AI's final reply: the callers waiting,
// by the seq they wait on, until a reply settles them or their time runs out. In memory only:
// a wait belongs to one HTTP request, which an eviction ends anyway.
import type { Message } from "../../shared/wire";

export class ReplyWaiters {
  private readonly bySeq = new Map<number, ((reply: Message | null) => void)[]>();

  wait(seq: number, timeoutMs: number): Promise<Message | null> {
    return new Promise((resolve) => {
      const list = this.bySeq.get(seq) ?? [];
      this.bySeq.set(seq, list);
      const settle = (reply: Message | null) => {
        clearTimeout(timer);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        const rest = (this.bySeq.get(seq) ?? []).filter((w) => w !== settle);
        if (rest.length) this.bySeq.set(seq, rest);
        else this.bySeq.delete(seq);
        resolve(null);
      }, timeoutMs);
      list.push(settle);
    });
  }

  /** A reply to `triggerSeq` is final: it answers everyone waiting on it or an earlier seq. */
  settle(triggerSeq: number, reply: Message | null): void {
    for (const [seq, list] of this.bySeq) {
      if (seq > triggerSeq) continue;
      for (const resolve of list) resolve(reply);
      this.bySeq.delete(seq);
    }
  }
}
