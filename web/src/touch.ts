// Whether the device is used by touch alone: a phone, or a tablet without a mouse (no hover, a
// coarse pointer). There Return makes a new line, as in the messaging apps people know, and the
// Send button sends; and focusing a box would pull up a keyboard over the conversation.
export const touchFirst = (): boolean => globalThis.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;
