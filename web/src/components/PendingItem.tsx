// A message the person sent that the room has not acknowledged yet: sending, waiting (for the
// connection, or its turn) with a Discard, or failed with the reason, a Retry (after the wait a
// refusal named) and Discard.
import { Show } from "solid-js";
import type { LocalSend } from "../stores/messages";
import { AttachmentList } from "./Attachments";
import { Icon } from "./Icon";
import { Markdown } from "./Markdown";
import type { MessageActions } from "./MessageItem";

/** A local send that has no seq yet: pending, or failed with the reason and a Retry. */
export function PendingItem(props: { send: LocalSend; actions: MessageActions; now: number }) {
  const waiting = () => Math.max(0, Math.ceil(((props.send.retryAt ?? 0) - props.now) / 1000));
  return (
    <article class="msg is-mine" classList={{ "is-pending": props.send.status === "pending", "is-failed": props.send.status === "failed" }}>
      <div class="msg-gutter" />
      <div class="msg-main">
        <header class="msg-head sr-only">
          <span class="msg-author">You</span>
        </header>
        <Show when={props.send.content}>
          <div class="bubble">
            <Markdown text={props.send.content} />
          </div>
        </Show>
        <Show when={props.send.attachments?.length}>
          <AttachmentList attachments={props.send.attachments ?? []} />
        </Show>
        <Show
          when={props.send.status === "failed"}
          fallback={
            <div class="msg-meta msg-meta-mine">
              <span class="msg-state">
                <Icon name="clock" /> {props.send.waiting ? (props.send.held ? "Waiting to send…" : "Waiting for connection…") : "Sending…"}
              </span>
              {/* Not on its way yet: it can still be taken back. */}
              <Show when={props.send.waiting}>
                <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={() => props.actions.discard(props.send.clientId)}>
                  Discard
                </button>
              </Show>
            </div>
          }
        >
          <div class="msg-meta msg-meta-mine msg-meta-error" role="alert">
            <Icon name="alert" />
            <span class="msg-state">{props.send.error ?? "Not sent."}</span>
            <button
              type="button"
              class="btn btn-sm msg-action"
              disabled={waiting() > 0}
              onClick={() => props.actions.retry(props.send.clientId)}
            >
              <Icon name="regenerate" /> {waiting() > 0 ? `Retry in ${waiting()} s` : "Retry"}
            </button>
            <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={() => props.actions.discard(props.send.clientId)}>
              Discard
            </button>
          </div>
        </Show>
      </div>
    </article>
  );
}
