// What a reply being written says: "Writing…", or, while the room's connection is down (its
// status pill says so: see messages.css), that it is paused, as its text no longer grows.
export function WritingState() {
  return (
    <>
      <span class="when-live">Writing…</span>
      <span class="when-offline">Paused while reconnecting…</span>
    </>
  );
}
