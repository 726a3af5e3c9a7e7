// The messages on the `generate` queue and its dead-letter queue. A ChatRoom sends a job when a
// message should get an AI reply; the consumer (worker/queue) writes the reply back into the
// room; a job that exhausted its retries is dead-lettered with the reason and the attempt it
// died in. Plain JSON: queue messages are structured-cloned.

export type GenerateJob = {
  jobId: string;
  roomId: string;
  triggerSeq: number;
  characterId: string;
  /** Whose reply it is: who regenerated it (anyone in the room may), else who wrote `triggerSeq`.
   * Their budget is checked, the tokens are theirs, and it takes one of their places among the
   * replies being written at once. Jobs queued before rooms set it always take no place. */
  askedBy?: { id: string; name: string };
  /** Deliveries of this job before the message it travels in (a job re-sent, not retried, while
   * every key cooled, or held by the room past the queue's longest delay). */
  priorAttempts?: number;
};

export type DeadJob = GenerateJob & {
  reason?: string;
  /** The attempt token of the delivery that gave up, so the dead-letter consumer leaves a newer
   * delivery's reply alone. */
  attempt?: string;
};
