// Serves a stdio MCP server over TCP: one child process per accepted connection.
//
//   node peers/tcp-server.mjs <command> [args...]
//
// Listens on 127.0.0.1:$TCP_PORT (default 0 = ephemeral) and prints exactly one line
// `TCP_READY <port>` on stdout once listening. Each socket is piped both ways to the
// stdin/stdout of its own child; the child's stderr goes to our stderr. The child is
// killed when its socket closes, and the socket is destroyed when the child exits.
//
// With TCP_EXIT_ON_STDIN_CLOSE=1 the server also exits when its own stdin reaches EOF,
// so a test host that dies without cleaning up does not leave it running.
import net from 'node:net';
import { spawn } from 'node:child_process';

const [command, ...commandArgs] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node tcp-server.mjs <command> [args...]\n');
  process.exit(2);
}

const requestedPort = Number.parseInt(process.env.TCP_PORT ?? '0', 10);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  process.stderr.write(`tcp-server: invalid TCP_PORT '${process.env.TCP_PORT}'\n`);
  process.exit(2);
}

const children = new Set();
let shuttingDown = false;

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);

  // EPIPE and friends: whichever side broke, the close/exit handlers below clean up.
  child.stdin.on('error', () => {});
  child.stdout.on('error', () => {});
  socket.on('error', () => {});

  socket.pipe(child.stdin);
  child.stdout.pipe(socket);

  socket.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  });
  child.on('error', (err) => {
    process.stderr.write(`tcp-server: cannot start '${command}': ${err.message}\n`);
    children.delete(child);
    socket.destroy();
  });
  // 'close' fires once the child has exited and its stdout is drained into the socket.
  child.on('close', () => {
    children.delete(child);
    socket.end(() => socket.destroy());
  });
});

server.on('error', (err) => {
  process.stderr.write(`tcp-server: ${err.message}\n`);
  shutdown(1);
});

server.listen(requestedPort, '127.0.0.1', () => {
  process.stdout.write(`TCP_READY ${server.address().port}\n`);
});

function shutdown(code) {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  server.close();
  for (const child of children) {
    child.kill('SIGTERM');
  }
  process.exit(code);
}

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));

if (process.env.TCP_EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  process.stdin.resume();
}
