// An MCP client built on the official TypeScript SDK that launches its server as a child process over stdio, exactly as
// Claude Desktop, VS Code or Cursor do. Used to drive `mcpgw bridge` in tests.
//
//   node peers/ts-stdio-client.mjs --message TEXT [--timeout-ms 30000] -- COMMAND [ARGS...]
//
// Connects (initialize), calls the `echo` tool with TEXT, prints one JSON line
// {"ok":true,"serverName":"...","protocolVersion":"...","text":"<echo answer>"} on stdout and exits 0. On failure it
// prints {"ok":false,"error":"..."} and exits 1. The server's stderr is passed through to this process's stderr.
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const separator = process.argv.indexOf('--', 2);
if (separator < 0 || separator === process.argv.length - 1) {
  console.error('usage: node ts-stdio-client.mjs --message TEXT [--timeout-ms N] -- COMMAND [ARGS...]');
  process.exit(2);
}

const { values } = parseArgs({
  args: process.argv.slice(2, separator),
  options: { message: { type: 'string' }, 'timeout-ms': { type: 'string', default: '30000' } },
});
const [command, ...args] = process.argv.slice(separator + 1);
const timeout = Number(values['timeout-ms']);

const transport = new StdioClientTransport({ command, args, env: { ...process.env }, stderr: 'inherit' });
const client = new Client({ name: 'ts-stdio-client', version: '1.0.0' });
const timer = setTimeout(() => {
  console.log(JSON.stringify({ ok: false, error: `timed out after ${timeout} ms` }));
  process.exit(1);
}, timeout);

try {
  await client.connect(transport);
  const result = await client.callTool({ name: 'echo', arguments: { message: values.message ?? '' } }, undefined, { timeout });
  console.log(JSON.stringify({
    ok: true,
    serverName: client.getServerVersion()?.name,
    protocolVersion: transport.protocolVersion ?? null,
    text: result.content?.[0]?.text,
  }));
  await client.close();
  clearTimeout(timer);
  process.exit(0);
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err?.message ?? err) }));
  process.exit(1);
}
