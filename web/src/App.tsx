// The router's root: every screen (loaded lazily, so behind Suspense) plus the toast region.
import type { RouteSectionProps } from "@solidjs/router";
import { Suspense } from "solid-js";
import { Toaster } from "./components/Toaster";

export function App(props: RouteSectionProps) {
  return (
    <>
      <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
      <Toaster />
    </>
  );
}
