// Where a message's actions bar goes. Beside the message's bubble, level with its top, on the
// side with room (left of one's own, right of another's), so it covers neither the text it acts
// on nor the message above; where there is no room beside it (a wide bubble, a phone), just
// above the bubble, at its right end. For a tall message whose top is scrolled out of the log, it
// comes down to the log's top edge, where it can be seen and reached.

/** How far above its message the bar sits by default (`.msg-tools`' top in message-extras.css). */
const TOOLS_RISE = 18;
const GAP = 8;

export function placeActions(article: HTMLElement) {
  const log = article.closest(".log");
  if (!log) return;
  const style = article.style;
  for (const name of ["--tools-top", "--tools-left", "--tools-right"]) style.removeProperty(name);
  const row = article.getBoundingClientRect();
  const tools = article.querySelector<HTMLElement>(".msg-tools");
  const body = article.querySelector<HTMLElement>(".msg-main > .bubble, .msg-main > .msg-files");
  if (tools && body && tools.offsetWidth > 0) {
    const box = body.getBoundingClientRect();
    const mine = article.classList.contains("is-mine");
    const room = mine ? box.left - row.left : row.right - box.right;
    if (room >= tools.offsetWidth + 2 * GAP) {
      style.setProperty("--tools-top", `${box.top - row.top}px`);
      if (mine) style.setProperty("--tools-right", `${row.right - box.left + GAP}px`);
      else {
        style.setProperty("--tools-left", `${box.right - row.left + GAP}px`);
        style.setProperty("--tools-right", "auto");
      }
    } else if (!mine) {
      // Above another's bubble, which keeps to the left: ending where the bubble ends (or
      // starting where it starts, when the bar is the wider), not out at the row's right edge.
      style.setProperty("--tools-right", `${Math.min(row.right - box.right, row.right - box.left - tools.offsetWidth)}px`);
    }
  }
  const hidden = log.getBoundingClientRect().top - row.top + TOOLS_RISE;
  if (hidden > 0) style.setProperty("--tools-top", `${Math.min(hidden - TOOLS_RISE + 4, article.offsetHeight - 40)}px`);
}
