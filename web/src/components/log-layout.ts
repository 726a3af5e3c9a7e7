// How the rows of the message log group: a message shortly after one by the same author folds
// its name and avatar away, and a new calendar day gets a separator; and where a seq falls in
// the loaded list and on screen.
import type { Message } from "../../../shared/wire";
import { dayKey } from "../format";

const GROUP_MS = 5 * 60_000;

/** For each row: whether it folds into the one above, and whether a day separator precedes it
 * (the first row gets one only when it is the start of the conversation). */
export function groupRows(rows: readonly Message[], startsConversation: boolean) {
  const compact: boolean[] = [];
  const newDay: boolean[] = [];
  let prevAt = 0;
  let prevDay = -1;
  rows.forEach((m, i) => {
    const at = Date.parse(m.createdAt);
    const day = dayKey(m.createdAt);
    const prev = rows[i - 1];
    newDay.push(prev ? day !== prevDay : startsConversation);
    compact.push(
      !!prev && prev.author.id === m.author.id && prev.author.kind === m.author.kind && at - prevAt < GROUP_MS && day === prevDay,
    );
    prevAt = at;
    prevDay = day;
  });
  return { compact, newDay };
}

/** The first index in `list` (ascending by seq) whose seq is >= `seq`. */
export function lowerBound(list: readonly Message[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Message).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The seq of the last message whose row begins above the bottom of `scroller`'s view: what the
 * reader has reached. */
export function seqAtBottom(scroller: HTMLElement): number | undefined {
  const bottom = scroller.getBoundingClientRect().bottom;
  return rowSeq(scroller, (row) => row.top < bottom, -1);
}

/** The seq of the first message whose row shows at the top of `scroller`, if any. */
export function seqAtTop(scroller: HTMLElement): number | undefined {
  const top = scroller.getBoundingClientRect().top;
  return rowSeq(scroller, (row) => row.bottom <= top, 0);
}

/** The seq of the row `offset` from the first one that is not `above` (rows are in order, so
 * `above` holds for a run from the start and not after it: a binary search finds where). */
function rowSeq(scroller: HTMLElement, above: (row: DOMRect) => boolean, offset: number): number | undefined {
  const rows = scroller.querySelectorAll<HTMLElement>("[data-seq]");
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (above((rows[mid] as HTMLElement).getBoundingClientRect())) lo = mid + 1;
    else hi = mid;
  }
  const seq = Number(rows[lo + offset]?.dataset.seq);
  return Number.isInteger(seq) ? seq : undefined;
}

/** The seq of the newest AI reply in `list`, if any. */
export function latestAi(list: readonly Message[]): number | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]?.author.kind === "ai") return list[i]?.seq;
  return undefined;
}

/** The seq of a reply still being written among the newest messages, if any. */
export function streamingIn(list: readonly Message[]): number | undefined {
  for (let i = list.length - 1; i >= Math.max(0, list.length - 20); i--) if (list[i]?.status === "streaming") return list[i]?.seq;
  return undefined;
}

/** Whether `reply` answers a message that was deleted (as far as `list` has it loaded). */
export function questionDeleted(list: readonly Message[], reply: Message): boolean {
  const question = reply.replyTo === undefined ? undefined : list[lowerBound(list, reply.replyTo)];
  return question?.seq === reply.replyTo && !!question?.deletedAt;
}

/** message seq → the seq of the AI reply that answered it (to offer a regenerate after an edit). */
export function answersTo(list: readonly Message[]): Map<number, number> {
  return new Map(list.flatMap((m) => (m.author.kind === "ai" && m.replyTo ? [[m.replyTo, m.seq] as const] : [])));
}
