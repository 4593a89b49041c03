// A stdio MCP server that misbehaves on purpose, for the gateway's stdio upstream tests:
//
//   node hostile-stdio-server.mjs <mode> [pid-file]
//
// Every mode answers `initialize` and `ping`; `tools/call` does what the mode says:
//   flood      writes params.arguments.count notifications/message, then the call's result, as fast as stdout takes them
//   drip       writes a result of params.arguments.bytes bytes a few hundred bytes at a time, each piece its own write
//   huge       writes one line of params.arguments.bytes bytes, then the call's result
//   dies       writes the first half of a response line, then exits with code 3
//   deaf       stops reading stdin once the session is initialized (never answers, never exits on its own)
// With a pid file, the process writes its pid there first, so a test can see that it was stopped.
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';

const [mode, pidFile] = process.argv.slice(2);
if (pidFile) {
  writeFileSync(pidFile, String(process.pid));
}

const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const result = (id, text) => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } });
const lines = createInterface({ input: process.stdin });

lines.on('line', (line) => {
  const message = JSON.parse(line);
  const { id, method } = message;
  if (method === 'initialize') {
    send({
      jsonrpc: '2.0',
      id,
      result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: `hostile-${mode}`, version: '1.0' } },
    });
  } else if (method === 'notifications/initialized' && mode === 'deaf') {
    lines.close();
    process.stdin.pause();
    setInterval(() => {}, 60_000);
  } else if (method === 'ping') {
    send({ jsonrpc: '2.0', id, result: {} });
  } else if (method === 'tools/call') {
    call(id, message.params.arguments ?? {});
  }
});

function call(id, args) {
  switch (mode) {
    case 'flood':
      for (let i = 0; i < args.count; i++) {
        send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `flood ${i}` } });
      }
      send(result(id, `flooded ${args.count}`));
      break;
    case 'drip': {
      const line = JSON.stringify(result(id, 'd'.repeat(args.bytes))) + '\n';
      let at = 0;
      const next = () => {
        if (at < line.length) {
          process.stdout.write(line.slice(at, at + 300), next);
          at += 300;
        }
      };
      next();
      break;
    }
    case 'huge':
      send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'h'.repeat(args.bytes) } });
      send(result(id, 'after huge'));
      break;
    case 'dies': {
      const line = JSON.stringify(result(id, 'never finished'));
      process.stdout.write(line.slice(0, line.length / 2), () => process.exit(3));
      break;
    }
    default:
      break;
  }
}
