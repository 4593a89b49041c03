// The official TypeScript SDK's McpServer over stateless Streamable HTTP (no sessions, a fresh server and transport
// per request, JSON responses), with two tools: `echo`, and `admin_tool`, which a gateway policy is meant to block.
//
//   node peers/stateless-http-server.mjs
//
// Listens on 127.0.0.1:$HTTP_PORT (default 0 = ephemeral) and prints exactly one line `HTTP_READY <port>` on stdout
// once listening. Every HTTP request Node's parser delivers is counted, whatever its method and path; `GET /stats`
// (not counted) answers { "requests": [ "<METHOD> <path> <json-rpc method>[ <tool>]", ... ], "adminRuns": <n> }, so a
// test sees exactly what reached this server and whether the blocked tool ever ran.
import http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const requestedPort = Number.parseInt(process.env.HTTP_PORT ?? '0', 10);
const requests = [];
let adminRuns = 0;

function createServer() {
  const server = new McpServer({ name: 'stateless-peer', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes its message', inputSchema: { message: z.string() } }, async ({ message }) => ({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  }));
  server.registerTool('admin_tool', { description: 'Must never run through the gateway', inputSchema: {} }, async () => {
    adminRuns += 1;
    process.stdout.write('ADMIN_TOOL_RAN\n');
    return { content: [{ type: 'text', text: 'admin done' }] };
  });
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const httpServer = http.createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, adminRuns }));
    return;
  }

  const entry = { line: `${req.method} ${req.url}` };
  requests.push(entry);
  const text = await readBody(req);
  let body;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body.method === 'string') {
    entry.line += ` ${body.method}${typeof body.params?.name === 'string' ? ` ${body.params.name}` : ''}`;
  }
  process.stdout.write(`REQUEST ${entry.line}\n`);
  if (req.method !== 'POST' || req.url !== '/mcp' || body === undefined) {
    res.writeHead(req.method === 'POST' ? 400 : 405).end();
    return;
  }

  const server = createServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
});

// The stats list entries as strings.
Object.defineProperty(requests, 'toJSON', { value: () => requests.map((r) => r.line) });

httpServer.listen(requestedPort, '127.0.0.1', () => {
  process.stdout.write(`HTTP_READY ${httpServer.address().port}\n`);
});

process.on('SIGTERM', () => process.exit(0));
