/**
 * Delay before the `restarts`-th restart within the window: `initial`, doubling each time, capped at `max`.
 * A worker that stays up long enough drops out of the window, so the delay falls back on its own.
 */
export function restartDelay (restarts: number, initial: number, max: number): number {
  if (restarts <= 1) return Math.min(initial, max)
  // Past 2^30 the cap has long been reached; stopping the exponent there keeps the number finite.
  return Math.min(max, initial * 2 ** Math.min(restarts - 1, 30))
}
