import v8 from 'node:v8';

/**
 * V8's young generation starts at 1 MB semi-spaces and doubles (up to 16 MB each, 32 MB resident) whenever a
 * scavenge finds much alive, which loading Parley's modules and start-up alone do. V8 never gives that back
 * while idle, so in embedded mode (a small server, one process, at most a few hundred requests a second) it is
 * kept at its starting size: about 30 MB less resident memory, at the cost of more frequent scavenges.
 * Server mode keeps V8's default growth (throughput under 32 connections matters more there).
 * The growth factor is read at each growth, so unlike --max-semi-space-size it works when set at run time;
 * it must be set before modules load, which is why server.ts imports this file first.
 */
const DEFAULT_GROWTH_FACTOR = 2; // V8's default (`node --v8-options`)

/** Started as `node dist/src/server.js`: hold growth until the config says which mode this is. */
if (require.main && /[\\/]server\.[jt]s$/.test(require.main.filename)) keepYoungGenerationSmall(true);

export function keepYoungGenerationSmall(small: boolean): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${small ? 1 : DEFAULT_GROWTH_FACTOR}`);
}
