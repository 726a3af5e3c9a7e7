// The strips under a room's header: why the room ended (deleted, removed, the session expired
// or ended on another device) with what to do next (back to the rooms, reconnect, sign in),
// connection trouble while reconnecting, one-off notices, and a history page that could not be
// loaded.
import { A } from "@solidjs/router";
import { Show } from "solid-js";
import { CloseCode } from "../../../shared/wire";
import type { Ended } from "../stores/close-codes";
import type { RoomStore } from "../stores/room";
import { Icon } from "./Icon";

/** The session is over (expired, or ended on another device): only signing in again helps. */
const sessionOver = (ended: Ended) => (ended.code === CloseCode.policy && !ended.canRetry) || ended.code === CloseCode.sessionEnded;

export function RoomBanners(props: { store: RoomStore; onSignInAgain: (why: Ended) => void }) {
  const state = () => props.store.state;
  return (
    <>
      <Show when={state().ended}>
        {(ended) => (
          <div class="chat-banner chat-banner-error" role="alert">
            <Icon name="alert" />
            <div>
              <strong>{ended().title}.</strong> {ended().detail}
            </div>
            <Show when={sessionOver(ended())}>
              <button type="button" class="btn btn-sm" onClick={() => props.onSignInAgain(ended())}>
                Sign in
              </button>
            </Show>
            <Show when={ended().canRetry}>
              <button type="button" class="btn btn-sm" onClick={() => props.store.reconnect()}>
                Reconnect
              </button>
            </Show>
            <Show when={ended().code === 4003 || ended().code === 4004}>
              <A href="/" class="btn btn-sm">
                Back to rooms
              </A>
            </Show>
          </div>
        )}
      </Show>
      <Show when={!state().ended && state().trouble}>
        {(trouble) => (
          <div class="chat-banner chat-banner-warn" role="status">
            <Icon name="wifiOff" />
            <div>
              <strong>{trouble().title}.</strong> {trouble().detail}
            </div>
          </div>
        )}
      </Show>
      <Show when={state().notice}>
        <div class="chat-banner chat-banner-info" role="status">
          <Icon name="alert" />
          <div>{state().notice}</div>
          <button type="button" class="icon-btn" aria-label="Dismiss" onClick={() => props.store.dismissNotice()}>
            <Icon name="close" />
          </button>
        </div>
      </Show>
      <Show when={state().loadError}>
        <div class="chat-banner chat-banner-warn" role="status">
          <Icon name="alert" />
          <div>Couldn't load the history over HTTP ({state().loadError}); it will arrive over the live connection instead.</div>
        </div>
      </Show>
    </>
  );
}
