// A parent process for test/faults/startupAndShutdown.test.ts: starts Parley the way `npm start` does
// (npm -> sh -> node, output piped to this process, in its own process group), prints {"pid": <server pid>}
// once it is running, then SIGTERMs the whole group and exits at once, closing the pipes Parley writes to
// (what a closing terminal or a supervisor does).
const { spawn } = require('node:child_process');

const child = spawn('npm', ['exec', '--', 'sh', '-c', 'true && node --import tsx src/server.ts'], {
  cwd: process.cwd(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env,
});
let seen = '';
let errors = '';
child.stdout.on('data', (d) => {
  seen += String(d);
  const m = /"pid":(\d+)/.exec(seen);
  if (m && /Parley is running/.test(seen)) {
    seen = '';
    process.stdout.write(JSON.stringify({ pid: Number(m[1]) }) + '\n', () => {
      process.kill(-child.pid, 'SIGTERM');
      process.exit(0);
    });
  }
});
child.stderr.on('data', (d) => { errors += String(d); });
child.on('exit', (code) => {
  process.stdout.write(JSON.stringify({ pid: 0, error: `exited ${code} while starting: ${errors.slice(-2000)}` }) + '\n', () => process.exit(3));
});
setTimeout(() => { process.kill(-child.pid, 'SIGKILL'); process.exit(2); }, 90_000).unref();
