// The strips under a room's header: why the room ended (deleted, removed, not found, session
// expired) with what to do next, connection trouble while reconnecting, one-off notices, and a
// history page that could not be loaded.
import { A } from "@solidjs/router";
import { Show } from "solid-js";
import type { RoomStore } from "../stores/room";
import { Icon } from "./Icon";

export function RoomBanners(props: { store: RoomStore; onSignInAgain: () => void }) {
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
            <Show when={ended().code === 1008 && !ended().canRetry}>
              <button type="button" class="btn btn-sm" onClick={() => props.onSignInAgain()}>
                Sign in again
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
