/**
 * lz4-napi's output buffers are freed only after the event loop turns (their
 * finalizers are deferred), so a tight synchronous loop of compressions grows
 * memory without bound (SPEC-NOTES: 20,000 decompressions reached 1.3 GB).
 * This budget counts the native output bytes handed out since the event loop
 * last turned; once it is spent, callers use the JavaScript implementation
 * until the next turn. Services that turn the event loop never notice; tight
 * loops stay within the budget plus what the JavaScript path allocates (which
 * the garbage collector reclaims at once).
 *
 * The counter is process-wide on purpose: the memory it guards is.
 */
const BUDGET_BYTES = 32 * 1024 * 1024;
let spent = 0;
let resetScheduled = false;

function reset(): void {
  spent = 0;
  resetScheduled = false;
}

/** Whether lz4-napi may produce `bytes` more output before the event loop turns. */
export function nativeAllowed(bytes: number): boolean {
  return spent + bytes <= BUDGET_BYTES;
}

/** Records `bytes` of native output. */
export function nativeSpent(bytes: number): void {
  spent += bytes;
  if (!resetScheduled) {
    resetScheduled = true;
    setImmediate(reset);
  }
}
