import v8 from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

/**
 * V8's heap sizing, set at run time so `node dist/src/server.js` needs no flags.
 *
 * Young generation: semi-spaces start at 1 MB and double (up to 16 MB each, 32 MB resident) whenever a
 * scavenge finds much alive, and V8 keeps them while idle. Embedded mode (a small server, at most a few
 * hundred requests a second) keeps them at their starting size. Server mode lets them grow to 4 MB (8 MB
 * resident). Measured under 32 connections, three alternating runs each: 8 MB semi-spaces took the peak to
 * 154-164 MB and 4 MB to 146-151 MB, for 0-10% more CPU per request (within the machine's drift); 16 MB
 * costs hardly less CPU than 8.
 * The growth factor is read at each growth, so unlike --max-semi-space-size it works when set at run time;
 * it must be set before modules load, which is why server.ts imports this file first.
 *
 * Old generation (both modes): after each full collection V8 lets it grow to up to 4x what survived before
 * the next one: under 32 connections ~4 MB of request objects outlive each scavenge (express's router
 * state, the compression wrappers, the moderation queue's rows), and ~25 MB alive grew to 110-140 MB of
 * mostly garbage. --heap-growing-percent, also read at each collection, makes that 1.3x: in two alternating
 * runs of reads, the queue, writes, list + approve and the console, 30% peaked at 142 MB and 50% at 147-148 MB,
 * with no CPU difference beyond the machine's drift (a full collection of ~30 MB alive is rare and mostly
 * concurrent). Embedded mode had kept V8's default: after a minute of 60 writes and 200 reads a second its
 * process held 258-287 MB (80 MB of it V8 heap pages), and 177-182 MB with 30%; in the bench's embedded section,
 * alternating, 187-188 MB after its load against 291-300, the start-up peak 140 against 152 MB, writes 239 and
 * 246/s against 225 and 219.
 */
const DEFAULT_GROWTH_FACTOR = 2; // V8's default (`node --v8-options`)
const SERVER_SEMI_SPACE_BYTES = 4 * 1024 * 1024;
const HEAP_GROWING_PERCENT = 30;

let capObserver: PerformanceObserver | null = null;

/** Started as `node dist/src/server.js`: hold growth until the config says which mode this is. */
if (require.main && /[\\/]server\.[jt]s$/.test(require.main.filename)) keepYoungGenerationSmall(true);

export function keepYoungGenerationSmall(small: boolean): void {
  capObserver?.disconnect();
  capObserver = null;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (small) {
    setGrowthFactor(1);
    return;
  }
  // Grow until the cap, then hold (V8 may still shrink it when idle; it then grows back to the cap).
  let held: boolean | null = null;
  const check = () => {
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    const hold = newSpace >= 2 * SERVER_SEMI_SPACE_BYTES; // both semi-spaces
    if (hold !== held) setGrowthFactor((held = hold) ? 1 : DEFAULT_GROWTH_FACTOR);
  };
  check();
  capObserver = new PerformanceObserver(check);
  capObserver.observe({ entryTypes: ['gc'] });
}

function setGrowthFactor(factor: number): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}
