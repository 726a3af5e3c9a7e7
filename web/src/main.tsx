// Entry point: global styles, the router and lazy routes. Only the shell (sidebar and room
// list) is in the initial bundle; every screen is its own chunk, loaded on navigation or ahead
// of it once the app is idle.
import { Route, Router } from "@solidjs/router";
import { createEffect, createRoot, lazy } from "solid-js";
import { render } from "solid-js/web";
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/app.css";
import "./styles/footer.css";
import "./styles/pages.css";
import "./styles/screens.css";
import "./styles/notices.css";
import { App } from "./App";
import { Shell } from "./Shell";
import { session } from "./session";

const Auth = lazy(() => import("./routes/Auth"));
const Home = lazy(() => import("./routes/Home"));
const NewRoom = lazy(() => import("./routes/NewRoom"));
const Room = lazy(() => import("./routes/Room"));
const RoomSettings = lazy(() => import("./routes/RoomSettings"));
const Characters = lazy(() => import("./routes/Characters"));
const Account = lazy(() => import("./routes/Account"));
const NotFound = lazy(() => import("./routes/NotFound"));

// Once someone is signed in and the app is idle, the screens they move between are fetched
// ahead: opening a room later works offline too (the room then catches up when the connection
// is back). The sign-in screen stays light.
const ahead = [Home, NewRoom, Room, RoomSettings, Characters, Account];
const preload = () => ahead.forEach((screen) => void screen.preload().catch(() => {}));
const whenIdle = (fn: () => void) => ("requestIdleCallback" in window ? requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 1000));
createRoot(() => createEffect(() => session.current() && whenIdle(preload)));

render(
  () => (
    <Router root={App}>
      <Route path="/signin" component={() => <Auth mode="signin" />} />
      <Route path="/signup" component={() => <Auth mode="signup" />} />
      <Route path="/" component={Shell}>
        <Route path="/" component={Home} />
        <Route path="/rooms/new" component={NewRoom} />
        <Route path="/rooms/:id" component={Room} />
        <Route path="/rooms/:id/settings" component={RoomSettings} />
        <Route path="/characters/:id?" component={Characters} />
        <Route path="/account" component={Account} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  ),
  document.getElementById("root") as HTMLElement,
);
