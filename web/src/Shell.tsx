// The signed-in frame: sidebar with rooms beside the current screen. Owns the room list store
// (shared through context) and the person's channel that keeps it live (stores/channel.ts),
// the unread count in the tab's title and the notifications for mentions. At phone widths only
// one pane shows: the list at "/" (then the list is the page's main landmark, with its own
// h1), else the screen.
import { type RouteSectionProps, useLocation, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, ErrorBoundary, on, onCleanup, onMount, Show, Suspense } from "solid-js";
import { api } from "./api";
import { ScreenFailed } from "./components/ClosedDoor";
import { HistoryBanner } from "./components/HistoryBanner";
import { Sidebar } from "./components/Sidebar";
import { RoomsContext } from "./context";
import { setLimits } from "./limits";
import { notifyMention } from "./notify";
import { SESSION_ENDED, session } from "./session";
import { createChannel } from "./stores/channel";
import { createRoomListStore } from "./stores/rooms";
import { trackUnreadInTitle } from "./tab-title";
import { PHONE_LAYOUT } from "./touch";

export function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const rooms = createRoomListStore({
    list: api.rooms,
    search: api.search,
    me: () => session.user(),
    onMention: (room, message) => notifyMention(room, message, (id) => navigate(`/rooms/${id}`)),
  });
  trackUnreadInTitle(() => rooms.state.rooms.reduce((sum, r) => sum + r.unread, 0));
  const phone = window.matchMedia(PHONE_LAYOUT);
  const [narrow, setNarrow] = createSignal(phone.matches);
  const onWidth = (e: MediaQueryListEvent) => setNarrow(e.matches);
  phone.addEventListener("change", onWidth);
  onCleanup(() => phone.removeEventListener("change", onWidth));
  const listIsPage = () => narrow() && location.pathname === "/";

  createEffect(() => {
    if (!session.current()) {
      const next = location.pathname === "/" ? "" : `?next=${encodeURIComponent(location.pathname)}`;
      navigate(`/signin${next}`, { replace: true });
    }
  });

  onMount(() => {
    if (!session.current()) return;
    // The channel's `ready` reads the list (and again after every reconnect).
    const ended = () => session.signOut(SESSION_ENDED);
    const channel = createChannel({ rooms, token: session.token, ended, socket: { ready: session.settled } });
    // The name may have been changed on another device since this one signed in.
    // And the limits a client checks before sending.
    api.me().then(
      ({ user, limits }) => {
        if (limits) setLimits(limits);
        if (user.displayName !== session.user()?.displayName) session.updateUser(user);
      },
      () => {},
    );
    // While the channel is down, coming back to the tab reads the list (it polls slowly too).
    const onFocus = () => channel.status() !== "open" && void rooms.refresh();
    window.addEventListener("focus", onFocus);
    onCleanup(() => window.removeEventListener("focus", onFocus));
  });

  return (
    <Show when={session.current()}>
      <RoomsContext.Provider value={rooms}>
        <div class="app" data-view={location.pathname === "/" ? "list" : "main"}>
          {/* biome-ignore lint/a11y/useValidAnchor: a skip link is read as a link and works without script; the click handler only moves the focus, which the router would not */}
          <a class="skip-link" href="#main" onClick={skipToContent}>
            Skip to content
          </a>
          <Sidebar asMain={listIsPage()} />
          <main class="main" id="main" tabIndex={-1}>
            <HistoryBanner />
            <ErrorBoundary
              fallback={(err, reset) => {
                console.error(err);
                // Another screen gets its own chance.
                createEffect(on(() => location.pathname, reset, { defer: true }));
                return <ScreenFailed />;
              }}
            >
              <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
            </ErrorBoundary>
          </main>
        </div>
      </RoomsContext.Provider>
    </Show>
  );
}

/** The skip link moves the focus, which following `#main` would not: the router takes the click
 * as a change of page. On a phone's room list, the list is the page's main part. */
function skipToContent(e: MouseEvent) {
  e.preventDefault();
  const main = [...document.querySelectorAll<HTMLElement>("main")].find((m) => m.offsetParent !== null || m.getClientRects().length > 0);
  if (!main) return;
  if (!main.hasAttribute("tabindex")) main.tabIndex = -1;
  main.focus();
}
