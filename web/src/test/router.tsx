// Renders a component inside a memory router at a given path, for components that use links
// or route matching. (The testing library's own `location` option loads the router outside
// Vite, which cannot read its JSX build.)
import { createMemoryHistory, MemoryRouter, Route } from "@solidjs/router";
import { render } from "@solidjs/testing-library";
import type { JSX } from "solid-js";

export function renderAt(path: string, ui: () => JSX.Element) {
  const history = createMemoryHistory();
  history.set({ value: path });
  return render(() => (
    <MemoryRouter history={history}>
      <Route path="*" component={ui} />
    </MemoryRouter>
  ));
}
