// An MCP client built on the official TypeScript SDK that talks to McpGateway over TCP.
//
//   node peers/ts-client.mjs --host 127.0.0.1 --port N --connection NAME --token T --scenario basic|sampling
//                            [--no-auth] [--timeout-ms 30000]
//
// Gateway handshake: right after connecting, one line
//   {"jsonrpc":"2.0","id":"auth-1","method":"mcpgateway/authenticate","params":{"token":T,"connection":NAME}}
// is written and one line is read back; a `result` means success, anything else is printed to stderr and the
// process exits 3. `--no-auth` skips the handshake (to talk to a plain TCP MCP server such as tcp-server.mjs).
// Then the SDK Client runs over the same socket (newline-delimited JSON-RPC).
//
// Output: one JSON line per step on stdout, {"step":"...","ok":true,"result":...}, then
// {"done":true,"protocolVersion":"..."} and exit 0. A failed step prints {"step":"...","ok":false,...} on stdout,
// its message on stderr, and exits 1.
import net from 'node:net';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_AUTH_REJECTED = 3;

class ScenarioFailure extends Error {}
class AuthRejected extends Error {}

/** Newline-delimited JSON-RPC over a connected socket; implements the SDK's Transport interface. */
class SocketTransport {
  /**
   * @param {net.Socket} socket connected, paused socket
   * @param {Buffer} leftover bytes already read past the handshake line
   */
  constructor(socket, leftover) {
    this._socket = socket;
    this._leftover = leftover;
    this._readBuffer = new ReadBuffer();
    this._closed = false;
    this.protocolVersion = undefined;
    this.onclose = undefined;
    this.onerror = undefined;
    this.onmessage = undefined;
  }

  async start() {
    this._socket.on('data', (chunk) => this._receive(chunk));
    this._socket.on('error', (err) => this.onerror?.(err));
    this._socket.on('close', () => this._markClosed());
    if (this._leftover.length > 0) {
      this._receive(this._leftover);
      this._leftover = Buffer.alloc(0);
    }
    this._socket.resume();
  }

  send(message) {
    return new Promise((resolve, reject) => {
      if (this._closed) {
        reject(new Error('connection closed'));
        return;
      }
      this._socket.write(serializeMessage(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  async close() {
    if (this._closed) {
      return;
    }
    await new Promise((resolve) => {
      this._socket.once('close', resolve);
      this._socket.end();
      setTimeout(() => this._socket.destroy(), 1000).unref();
    });
  }

  setProtocolVersion(version) {
    this.protocolVersion = version;
  }

  _receive(chunk) {
    this._readBuffer.append(chunk);
    for (;;) {
      let message;
      try {
        message = this._readBuffer.readMessage();
      } catch (err) {
        this.onerror?.(err);
        continue;
      }
      if (message === null) {
        return;
      }
      this.onmessage?.(message);
    }
  }

  _markClosed() {
    if (this._closed) {
      return;
    }
    this._closed = true;
    this._readBuffer.clear();
    this.onclose?.();
  }
}

function usage(message) {
  process.stderr.write(`ts-client: ${message}\n`);
  process.stderr.write(
    'usage: node ts-client.mjs --host 127.0.0.1 --port N --connection NAME --token T --scenario basic|sampling [--no-auth] [--timeout-ms MS]\n');
  process.exit(EXIT_USAGE);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        connection: { type: 'string' },
        token: { type: 'string' },
        scenario: { type: 'string', default: 'basic' },
        'no-auth': { type: 'boolean', default: false },
        'timeout-ms': { type: 'string', default: '30000' },
      },
      strict: true,
    }));
  } catch (err) {
    usage(err.message);
  }
  const port = Number.parseInt(values.port ?? '', 10);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    usage('--port is required (1-65535)');
  }
  if (!values['no-auth'] && (values.token === undefined || values.connection === undefined)) {
    usage('--token and --connection are required unless --no-auth is given');
  }
  if (!Object.hasOwn(scenarios, values.scenario)) {
    usage(`unknown scenario '${values.scenario}' (known: ${Object.keys(scenarios).join(', ')})`);
  }
  const timeoutMs = Number.parseInt(values['timeout-ms'], 10);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    usage('--timeout-ms must be a positive integer');
  }
  return {
    host: values.host,
    port,
    connection: values.connection,
    token: values.token,
    scenario: values.scenario,
    auth: !values['no-auth'],
    timeoutMs,
  };
}

function connect(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes the authenticate line and reads one line back. Returns the bytes read past that line. */
function authenticate(socket, token, connection) {
  const request = {
    jsonrpc: '2.0',
    id: 'auth-1',
    method: 'mcpgateway/authenticate',
    params: { token, connection },
  };
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline === -1) {
        return;
      }
      socket.pause();
      cleanup();
      const line = buffered.toString('utf8', 0, newline).replace(/\r$/, '');
      const leftover = buffered.subarray(newline + 1);
      let response;
      try {
        response = JSON.parse(line);
      } catch {
        reject(new AuthRejected(`authentication answer is not JSON: ${line}`));
        return;
      }
      if (response !== null && typeof response === 'object' && 'result' in response && !('error' in response)) {
        resolve(leftover);
      } else {
        reject(new AuthRejected(JSON.stringify(response?.error ?? response)));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new AuthRejected('connection closed before the authentication answer'));
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    socket.write(JSON.stringify(request) + '\n');
  });
}

function report(step, result) {
  process.stdout.write(JSON.stringify({ step, ok: true, result }) + '\n');
}

/** Runs one step; a thrown error or an `isError` tool result fails the scenario after printing the step. */
async function step(name, action) {
  let result;
  try {
    result = await action();
  } catch (err) {
    const error = { message: err?.message ?? String(err) };
    if (err?.code !== undefined) {
      error.code = err.code;
    }
    if (err?.data !== undefined) {
      error.data = err.data;
    }
    process.stdout.write(JSON.stringify({ step: name, ok: false, error }) + '\n');
    throw new ScenarioFailure(`step '${name}' failed: ${error.message}`);
  }
  if (result?.isError === true) {
    process.stdout.write(JSON.stringify({ step: name, ok: false, result }) + '\n');
    throw new ScenarioFailure(`step '${name}' returned an error result: ${JSON.stringify(result.content)}`);
  }
  report(name, result);
  return result;
}

const scenarios = {
  basic: {
    capabilities: {},
    setup() {},
    async run(client) {
      await step('tools/list', async () => ({ tools: (await client.listTools()).tools.map((t) => t.name) }));
      await step('tools/call echo', () => client.callTool({ name: 'echo', arguments: { message: 'hello from ts' } }));
      await step('tools/call get-sum', () => client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } }));
    },
  },
  sampling: {
    capabilities: { sampling: {} },
    setup(client) {
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        report('sampling/createMessage', request.params);
        return {
          role: 'assistant',
          content: { type: 'text', text: 'ts sampled' },
          model: 'stub',
          stopReason: 'endTurn',
        };
      });
    },
    async run(client) {
      await step('tools/call trigger-sampling-request', () =>
        client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 10 } }));
    },
  },
};

async function main() {
  const options = readOptions();
  const timer = setTimeout(() => {
    process.stderr.write(`ts-client: timed out after ${options.timeoutMs} ms\n`);
    process.exit(EXIT_FAILED);
  }, options.timeoutMs);
  timer.unref();

  const socket = await connect(options.host, options.port);
  let leftover = Buffer.alloc(0);
  if (options.auth) {
    leftover = await authenticate(socket, options.token, options.connection);
  } else {
    socket.pause();
  }

  const scenario = scenarios[options.scenario];
  const transport = new SocketTransport(socket, leftover);
  const client = new Client({ name: 'mcpgateway-ts-client', version: '0.1.0' }, { capabilities: scenario.capabilities });
  scenario.setup(client);
  await step('initialize', async () => {
    await client.connect(transport);
    return { serverInfo: client.getServerVersion(), protocolVersion: transport.protocolVersion };
  });
  await scenario.run(client);
  process.stdout.write(JSON.stringify({ done: true, protocolVersion: transport.protocolVersion }) + '\n');
  await client.close();
  clearTimeout(timer);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    if (err instanceof AuthRejected) {
      process.stderr.write(`ts-client: authentication failed: ${err.message}\n`);
      process.exit(EXIT_AUTH_REJECTED);
    }
    process.stderr.write(`ts-client: ${err instanceof ScenarioFailure ? err.message : err?.stack ?? err}\n`);
    process.exit(EXIT_FAILED);
  },
);
