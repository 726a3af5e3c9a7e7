// The router's root: every screen (loaded lazily, so behind Suspense) plus the toast region,
// the session kept fresh while the app is open, and each change of screen noted (focus-arrival).
import type { RouteSectionProps } from "@solidjs/router";
import { createEffect, on, onCleanup, onMount, Suspense } from "solid-js";
import { Toaster } from "./components/Toaster";
import { noteNavigation } from "./focus-arrival";
import { keepSessionFresh } from "./session";

export function App(props: RouteSectionProps) {
  onMount(() => onCleanup(keepSessionFresh()));
  createEffect(on(() => props.location.pathname, noteNavigation, { defer: true }));
  return (
    <>
      <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
      <Toaster />
    </>
  );
}
