/**
 * Why a message was lost, or why its fate is not known, in a few words a viewer understands:
 * for the inspector, the spoken summary, the legend and the terminal. No DOM here, so Node
 * scripts can say the same.
 */
import type { LostReason, UnknownReason } from "../../protocol/messages.js";

export const LOST_BECAUSE: Record<LostReason, string> = {
  "receiver-gone": "its receiver died with it queued",
  "slow-joiner": "the subscriber was still joining",
  hwm: "the queue was at its high-water mark",
  "no-subscriber": "no subscriber wanted it",
  dropped: "a publisher dropped it: no subscription there yet, or its queue full",
};

export const UNKNOWN_BECAUSE: Record<UnknownReason, string> = {
  "outside-peer": "a peer from outside the run was connected and may have taken it",
  unreported: "counted, and a process was killed before it reported its last counts",
  counted: "counted, and the pattern does not say how many each receiver should get",
};
