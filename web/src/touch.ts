// Whether the device is used by touch alone: a phone, or a tablet without a mouse (no hover, a
// coarse pointer). There Return makes a new line, as in the messaging apps people know, and the
// Send button sends; and focusing a box would pull up a keyboard over the conversation.
export const touchFirst = (): boolean => globalThis.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;

/** When the screen gets the phone's layout (one pane at a time): narrow, or a phone held
 * sideways (short, and used by touch), where a sidebar beside the room would leave neither room
 * to breathe. The stylesheets repeat this query for their phone rules. */
export const PHONE_LAYOUT = "(max-width: 767px), (max-height: 500px) and (pointer: coarse)";
