// A calm notice while the server's message history is briefly unavailable (a REST call was
// answered 503 `store_unavailable`): live chat keeps working over the room's socket, so this
// only says what is missing for now and that it comes back by itself. A polite status region,
// announced once; it goes away with the first call that succeeds.
import { Show } from "solid-js";
import { historyOutage } from "../api";

export function HistoryBanner() {
  return (
    <Show when={historyOutage()}>
      <div class="history-banner" role="status" aria-live="polite">
        <strong>Message history is briefly unavailable.</strong> Live chat keeps working, and what you send is saved. Older messages, search
        and the room list will catch up by themselves in a moment.
      </div>
    </Show>
  );
}
