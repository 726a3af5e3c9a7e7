// The signed-in frame: sidebar with rooms beside the current screen. Owns the room list store
// (shared through context) and keeps it fresh: on focus and every 20 s, since there is no
// user-level socket. At phone widths only one pane shows: the list at "/", else the screen.
import { type RouteSectionProps, useLocation, useNavigate } from "@solidjs/router";
import { createEffect, onCleanup, onMount, Show, Suspense } from "solid-js";
import { Sidebar } from "./components/Sidebar";
import { RoomsContext } from "./context";
import { session } from "./session";
import { createRoomListStore } from "./stores/rooms";

export function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const rooms = createRoomListStore();

  createEffect(() => {
    if (!session.current()) {
      const next = location.pathname === "/" ? "" : `?next=${encodeURIComponent(location.pathname)}`;
      navigate(`/signin${next}`, { replace: true });
    }
  });

  onMount(() => {
    if (!session.current()) return;
    void rooms.refresh();
    const timer = setInterval(() => document.visibilityState === "visible" && void rooms.refresh(), 20_000);
    const onFocus = () => void rooms.refresh();
    window.addEventListener("focus", onFocus);
    onCleanup(() => {
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    });
  });

  return (
    <Show when={session.current()}>
      <RoomsContext.Provider value={rooms}>
        <div class="app" data-view={location.pathname === "/" ? "list" : "main"}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <Sidebar />
          <main class="main" id="main" tabIndex={-1}>
            <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
          </main>
        </div>
      </RoomsContext.Provider>
    </Show>
  );
}
