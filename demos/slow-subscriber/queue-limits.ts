/**
 * How small this demo keeps the queues between its publisher and each subscriber, so that a
 * slow subscriber's queue fills within seconds: `hwm` messages in ZeroMQ's queue, and kernel
 * socket buffers of 1 KB. Those buffers hold bytes, not messages: small messages would pile up
 * by the thousand in them before the high-water mark is ever reached, hence the padding too.
 */
export const KERNEL_BUFFER_BYTES = 1024;

export function publisherLimits(hwm: number) {
  return { sendHighWaterMark: hwm, sendBufferSize: KERNEL_BUFFER_BYTES };
}

export function subscriberLimits(hwm: number) {
  return { receiveHighWaterMark: hwm, receiveBufferSize: KERNEL_BUFFER_BYTES };
}
