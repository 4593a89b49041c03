// An MCP client built on the official TypeScript SDK that talks to McpGateway's HTTP front door with the SDK's own
// Streamable HTTP transport, unmodified: the bearer token goes in the Authorization header of every request.
//
//   node peers/ts-http-client.mjs --url http://127.0.0.1:N/mcp/CONNECTION --token T
//                                 --scenario basic|progress|logging|sampling|terminate [--timeout-ms 30000]
//   node peers/ts-http-client.mjs --url ... --client-id ID --client-secret S --issuer ISSUER --scenario basic
//
// With --client-id the client starts without a token and lets the SDK's own OAuth support find the authorization
// server (the gateway's 401 names its RFC 9728 metadata, which names the issuer) and get a token by the client
// credentials grant (ClientCredentialsProvider), as an MCP client that implements the authorization spec does.
//
// Output: one JSON line per step on stdout, {"step":"...","ok":true,"result":...}, then
// {"done":true,"protocolVersion":"...","sessionId":"..."} and exit 0. A failed step prints {"step":"...","ok":false,...},
// its message on stderr, and exits 1. An HTTP 401 from the gateway exits 3.
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import {
  CreateMessageRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_UNAUTHORIZED = 3;

class ScenarioFailure extends Error {}
class Unauthorized extends Error {}

function usage(message) {
  process.stderr.write(`ts-http-client: ${message}\n`);
  process.stderr.write(
    'usage: node ts-http-client.mjs --url URL --token T --scenario basic|progress|logging|sampling|terminate [--timeout-ms MS]\n');
  process.exit(EXIT_USAGE);
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        issuer: { type: 'string' },
        scenario: { type: 'string', default: 'basic' },
        'timeout-ms': { type: 'string', default: '30000' },
      },
      strict: true,
    }));
  } catch (err) {
    usage(err.message);
  }
  let url;
  try {
    url = new URL(values.url ?? '');
  } catch {
    usage('--url is required and must be an absolute URL');
  }
  const oauth = values['client-id'] !== undefined;
  if (!oauth && (values.token === undefined || values.token === '')) {
    usage('--token is required (or --client-id, --client-secret and --issuer)');
  }
  if (oauth && (values['client-secret'] === undefined || values.issuer === undefined)) {
    usage('--client-id needs --client-secret and --issuer');
  }
  if (!Object.hasOwn(scenarios, values.scenario)) {
    usage(`unknown scenario '${values.scenario}' (known: ${Object.keys(scenarios).join(', ')})`);
  }
  const timeoutMs = Number.parseInt(values['timeout-ms'], 10);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    usage('--timeout-ms must be a positive integer');
  }
  return {
    url,
    token: values.token,
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    issuer: values.issuer,
    scenario: values.scenario,
    timeoutMs,
  };
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
    if (err?.code === 401) {
      throw new Unauthorized(`step '${name}': ${error.message}`);
    }
    throw new ScenarioFailure(`step '${name}' failed: ${error.message}`);
  }
  if (result?.isError === true) {
    process.stdout.write(JSON.stringify({ step: name, ok: false, result }) + '\n');
    throw new ScenarioFailure(`step '${name}' returned an error result: ${JSON.stringify(result.content)}`);
  }
  report(name, result);
  return result;
}

function waitFor(predicate, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (predicate()) {
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        reject(new Error(`timed out waiting for ${what}`));
      } else {
        setTimeout(poll, 50);
      }
    };
    poll();
  });
}

const scenarios = {
  basic: {
    capabilities: {},
    setup() {},
    async run(client) {
      await step('tools/list', async () => ({ tools: (await client.listTools()).tools.map((t) => t.name) }));
      await step('tools/call echo', () => client.callTool({ name: 'echo', arguments: { message: 'hello over http' } }));
      await step('tools/call get-sum', () => client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } }));
    },
  },
  progress: {
    capabilities: {},
    setup() {},
    async run(client) {
      const progress = [];
      const result = await step('tools/call trigger-long-running-operation', () =>
        client.callTool(
          { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
          undefined,
          { onprogress: (p) => progress.push(p) }));
      report('progress', { count: progress.length, last: progress.at(-1), text: result.content?.[0]?.text });
    },
  },
  logging: {
    capabilities: {},
    setup(client, state) {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        state.logs.push(notification.params);
      });
    },
    async run(client, state) {
      await step('logging/setLevel', () => client.setLoggingLevel('debug'));
      await step('tools/call toggle-simulated-logging', () => client.callTool({ name: 'toggle-simulated-logging', arguments: {} }));
      await step('notifications/message', async () => {
        await waitFor(() => state.logs.length > 0, 15000, 'a log notification');
        return { count: state.logs.length, first: state.logs[0] };
      });
    },
  },
  sampling: {
    capabilities: { sampling: {} },
    setup(client) {
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        report('sampling/createMessage', request.params);
        return {
          role: 'assistant',
          content: { type: 'text', text: 'ts sampled over http' },
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
  terminate: {
    capabilities: {},
    setup() {},
    async run(client, state) {
      await step('tools/call echo', () => client.callTool({ name: 'echo', arguments: { message: 'before the end' } }));
      await step('terminate', async () => {
        const sessionId = state.transport.sessionId;
        await state.transport.terminateSession();
        return { sessionId, after: state.transport.sessionId ?? null };
      });
    },
  },
};

async function main() {
  const options = readOptions();
  const timer = setTimeout(() => {
    process.stderr.write(`ts-http-client: timed out after ${options.timeoutMs} ms\n`);
    process.exit(EXIT_FAILED);
  }, options.timeoutMs);
  timer.unref();

  const scenario = scenarios[options.scenario];
  const transport = options.clientId === undefined
    ? new StreamableHTTPClientTransport(options.url, { requestInit: { headers: { Authorization: `Bearer ${options.token}` } } })
    : new StreamableHTTPClientTransport(options.url, {
      authProvider: new ClientCredentialsProvider({
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        expectedIssuer: options.issuer,
        scope: 'mcp:tools',
      }),
    });
  const state = { logs: [], transport };
  const client = new Client({ name: 'mcpgateway-ts-http-client', version: '0.1.0' }, { capabilities: scenario.capabilities });
  scenario.setup(client, state);
  await step('initialize', async () => {
    await client.connect(transport);
    return { serverInfo: client.getServerVersion(), protocolVersion: transport.protocolVersion, sessionId: transport.sessionId };
  });
  await scenario.run(client, state);
  process.stdout.write(JSON.stringify({ done: true, protocolVersion: transport.protocolVersion, sessionId: transport.sessionId ?? null }) + '\n');
  await client.close();
  clearTimeout(timer);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    if (err instanceof Unauthorized || err?.code === 401) {
      process.stderr.write(`ts-http-client: unauthorized: ${err.message}\n`);
      process.exit(EXIT_UNAUTHORIZED);
    }
    process.stderr.write(`ts-http-client: ${err instanceof ScenarioFailure ? err.message : err?.stack ?? err}\n`);
    process.exit(EXIT_FAILED);
  },
);
