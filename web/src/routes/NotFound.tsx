// Unknown paths inside the app.
import { A } from "@solidjs/router";

export default function NotFound() {
  return (
    <div class="empty-state">
      <h1>Nothing here</h1>
      <p>That page doesn't exist. It may have moved, or the link is wrong.</p>
      <A href="/" class="btn btn-primary">
        Back to your rooms
      </A>
    </div>
  );
}
