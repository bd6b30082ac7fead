/**
 * Progress of a long CLI command (import, export) on standard error, so standard output stays clean:
 * on a terminal one line redrawn in place with "\r"; otherwise (a log file, a pipe, CI) a plain line
 * every few seconds. It shows counts, rate and, when the total is known, percent and time left.
 */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
  /** Seconds between plain lines when not a terminal (default 5). */
  intervalMs?: number;
}

export interface ProgressLine {
  update(done: number, position?: number): void;
  /** A stage without a count (e.g. the final commit of an import): shown at once, in place on a terminal. */
  note(text: string): void;
  /** Clears the redrawn line (TTY) so the summary that follows starts on a clean line. */
  finish(): void;
}

export function progressLine(
  sink: ProgressSink | undefined,
  opts: { label: string; unit: string; total?: number; totalLabel?: (n: number) => string; now?: () => number },
): ProgressLine {
  if (!sink) return { update() {}, note() {}, finish() {} };
  const now = opts.now ?? Date.now;
  const started = now();
  const interval = sink.isTTY ? 200 : sink.intervalMs ?? 5000;
  // A terminal shows the line at once; a log gets its first line only after one interval (a short run prints none).
  let last = sink.isTTY ? -Infinity : started;
  let drawn = 0;

  const render = (done: number, position: number | undefined) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = done / seconds;
    const parts = [`${opts.label}: ${fmt(done)} ${opts.unit}`, `${fmt(Math.round(rate))}/s`];
    if (opts.total && position !== undefined) {
      const share = Math.min(position / opts.total, 1);
      parts.push(`${Math.floor(share * 100)}%${opts.totalLabel ? ` of ${opts.totalLabel(opts.total)}` : ''}`);
      if (share > 0.01 && share < 1) parts.push(`about ${duration((seconds / share) * (1 - share))} left`);
    }
    parts.push(`${duration(seconds)} elapsed`);
    return parts.join(' · ');
  };

  return {
    update(done, position) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      const text = render(done, position);
      if (sink.isTTY) {
        sink.write(`\r${text.padEnd(drawn)}`);
        drawn = text.length;
      } else sink.write(`${text}\n`);
    },
    note(text) {
      const line = `${opts.label}: ${text}`;
      if (sink.isTTY) {
        sink.write(`\r${line.padEnd(drawn)}`);
        drawn = Math.max(drawn, line.length);
      } else sink.write(`${line}\n`);
    },
    finish() {
      if (sink.isTTY && drawn) sink.write(`\r${' '.repeat(drawn)}\r`);
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
