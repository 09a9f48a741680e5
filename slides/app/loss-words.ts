/**
 * Why a message was lost, in a few words a viewer understands: for the inspector, the spoken
 * summary, the legend and the terminal. No DOM here, so Node scripts can say the same.
 */
import type { LostReason } from "../../server/protocol.js";

export const LOST_BECAUSE: Record<LostReason, string> = {
  "receiver-gone": "its receiver died with it queued",
  "slow-joiner": "the subscriber was still joining",
  hwm: "the queue was at its high-water mark",
  "no-subscriber": "no subscriber wanted it",
};
