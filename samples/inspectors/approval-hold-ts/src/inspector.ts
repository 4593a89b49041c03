// An out-of-process McpGateway inspector: holds calls to tools tagged in its config for approval.
//
//   node dist/src/inspector.js approval-tags.json
//
// The gateway starts it (transport "stdio") and speaks JSON-RPC on its stdin/stdout; it logs to stderr. The gateway
// keeps the held call and puts it before the approvers its own configuration names (externalInspectors.<name>.approval).

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { holdingTag, parseConfig, type TagConfig } from "./policy.js";
import { error, PROTOCOL_VERSION, result, type InspectParams, type Request, type Verdict } from "./protocol.js";

export function handle(config: TagConfig, line: string, log: (text: string) => void): string | undefined {
  let message: Request;
  try {
    message = JSON.parse(line) as Request;
  } catch {
    return error(null, -32700, "Parse error");
  }
  if (typeof message !== "object" || message === null || message.jsonrpc !== "2.0" || typeof message.method !== "string") {
    return error(null, -32600, "Invalid request");
  }
  if (message.id === undefined) {
    return undefined; // a notification, e.g. $/cancelRequest
  }
  switch (message.method) {
    case "hello":
      return result(message.id, {
        protocolVersion: PROTOCOL_VERSION,
        directions: ["clientToUpstream"],
        methods: ["tools/call"],
        kinds: ["request"],
        budgetMs: 100,
      });
    case "inspect": {
      const params = message.params as unknown as InspectParams;
      const tag = holdingTag(config, params.tool);
      const verdict: Verdict = tag === undefined ? { verdict: "forward" } : { verdict: "hold" };
      if (tag !== undefined) {
        log(`holding ${params.tool} for ${params.session.subject ?? "?"} (tag ${tag})`);
      }
      return result(message.id, verdict);
    }
    default:
      return error(message.id, -32601, `Method not found: ${message.method}`);
  }
}

function main(argv: string[]): number {
  if (argv.length !== 1) {
    process.stderr.write("usage: inspector.js <approval-tags.json>\n");
    return 2;
  }
  let config: TagConfig;
  try {
    config = parseConfig(readFileSync(argv[0], "utf8"), argv[0]);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", line => {
    if (line.trim() === "") {
      return;
    }
    const reply = handle(config, line, text => process.stderr.write(text + "\n"));
    if (reply !== undefined) {
      process.stdout.write(reply + "\n");
    }
  });
  return 0;
}

const exitCode = main(process.argv.slice(2));
if (exitCode !== 0) {
  process.exit(exitCode);
}
