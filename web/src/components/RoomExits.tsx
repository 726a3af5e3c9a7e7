// The ends of a room on its settings page: leaving it, and for the owner deleting it. An owner
// who leaves hands the room to the member who joined first after them (the server picks the
// same one), so they are told who that is; the only member's way out is Delete.
import { Show } from "solid-js";
import type { Member } from "../../../shared/wire";
import { ConfirmButton } from "./ConfirmButton";
import { Icon } from "./Icon";

/** Who owns the room once `ownerId` leaves it: the member who joined first after them. */
export function heirOf(members: readonly Member[], ownerId: string): Member | undefined {
  const byArrival = (a: Member, b: Member) =>
    a.joinedAt === b.joinedAt ? (a.user.id < b.user.id ? -1 : 1) : a.joinedAt < b.joinedAt ? -1 : 1;
  return members.filter((m) => m.user.id !== ownerId).sort(byArrival)[0];
}

type Props = {
  isOwner: boolean;
  /** Who owns the room if the owner leaves (heirOf); none when they are its only member. */
  heir: Member | undefined;
  /** How many members there are besides you. */
  others: number;
  onLeave: () => void;
  onDelete: () => void;
};

export function RoomExits(props: Props) {
  const canLeave = () => !props.isOwner || !!props.heir;
  const heirName = () => props.heir?.user.displayName || props.heir?.user.username;
  return (
    <section class="card card-danger" aria-labelledby="danger-h">
      <h2 id="danger-h">{props.isOwner ? (canLeave() ? "Leave or delete" : "Delete") : "Leave"}</h2>
      <Show when={canLeave()}>
        <div class="danger-row">
          <div>
            <strong>Leave this room</strong>
            <p class="muted">
              {props.isOwner
                ? `It disappears from your list; ${heirName()} (@${props.heir?.user.username}) becomes the owner${props.others > 1 ? " and the others keep chatting" : ""}.`
                : "It disappears from your list; others keep chatting."}
            </p>
          </div>
          <ConfirmButton label="Leave room" confirmLabel="Leave" onConfirm={props.onLeave}>
            <Icon name="leave" /> Leave
          </ConfirmButton>
        </div>
      </Show>
      <Show when={props.isOwner}>
        <div class="danger-row">
          <div>
            <strong>Delete this room</strong>
            <p class="muted">Deletes the room and its history for everyone. This can't be undone.</p>
          </div>
          <ConfirmButton label="Delete room" confirmLabel="Delete for everyone" onConfirm={props.onDelete}>
            <Icon name="trash" /> Delete
          </ConfirmButton>
        </div>
      </Show>
    </section>
  );
}
