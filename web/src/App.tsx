// The router's root: every screen (loaded lazily, so behind Suspense) plus the toast region,
// and the session kept fresh while the app is open.
import type { RouteSectionProps } from "@solidjs/router";
import { onCleanup, onMount, Suspense } from "solid-js";
import { Toaster } from "./components/Toaster";
import { keepSessionFresh } from "./session";

export function App(props: RouteSectionProps) {
  onMount(() => onCleanup(keepSessionFresh()));
  return (
    <>
      <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
      <Toaster />
    </>
  );
}
