// autocannon ships no types; this is the part of its programmatic API the bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface Histogram { average: number; mean: number; p50: number; p99: number; total: number; max: number }
interface AutocannonResult {
  requests: Histogram & { sent: number };
  latency: Histogram;
  throughput: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}

/**
 * Seconds of POSTs before a write rate is measured, for the bare baseline and Parley alike. V8 takes about that
 * long to finish optimising the write path (validation, rules, classifier, rendering, pg): with 2 s of warm-up,
 * Parley's next 5 s cost 0.94-1.35 ms of CPU per POST (560-818/s) and the 5 s after that 0.74-0.86 ms; after 8 s,
 * three rounds in a row cost 0.74-0.76 ms (968-1,001/s). A server that takes comments all day runs warm; the
 * warm-up's own rate is kept in the table as its own row. The embedded section (bench/embedded.ts) warms up the same way.
 */
export const WRITE_WARM_UP_SECONDS = 8;

export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: LoadRequest) => LoadRequest;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  maxMs: number;
  requests: number;
  /** Bytes received per response, headers included. */
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The server process's CPU time (user + system) per request, when the bench knows its pid. */
  cpuMsPerRequest?: number;
  /** Every Postgres process's CPU time per request (the write workload only). */
  postgresCpuMsPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  requests?: LoadRequest[];
  /** Requests per second across all connections (0 or unset: as fast as answered). */
  overallRate?: number;
}

/** Drives `url` with `connections` keep-alive connections for `seconds`, over loopback. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    headers: opts.headers,
    requests: opts.requests,
    timeout: 10,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0) || r.requests.total;
  return {
    rps: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    bytesPerResponse: Math.round(r.throughput.total / Math.max(1, responses)),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}
