// Tests of the approval-hold inspector: its rules directly, and the built program through its real stdio.
//   node ../../../peers/node_modules/typescript/bin/tsc -p . && node --test dist/test/

import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { holdingTag, parseConfig } from "../src/policy.js";

const program = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "inspector.js");
const config = { tags: { write_file: ["writes"], read_file: ["reads"] }, hold: ["writes"] };

describe("holdingTag", () => {
  it("returns the held tag for a tagged tool", () => assert.equal(holdingTag(config, "write_file"), "writes"));
  it("returns undefined for a tool tagged only with tags it does not hold", () => assert.equal(holdingTag(config, "read_file"), undefined));
  it("returns undefined for an untagged tool", () => assert.equal(holdingTag(config, "echo"), undefined));
  it("does not treat inherited object members as tools", () => assert.equal(holdingTag(config, "constructor"), undefined));
});

describe("parseConfig", () => {
  it("rejects a config without hold", () => assert.throws(() => parseConfig('{"tags":{}}', "x.json"), /hold must be a non-empty list/));
  it("rejects tags that are not lists", () => assert.throws(() => parseConfig('{"tags":{"a":"b"},"hold":["b"]}', "x.json"), /tags must map/));
});

class Inspector {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private nextId = 1;

  constructor(configPath: string) {
    this.child = spawn(process.execPath, [program, configPath]);
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", line => this.waiting.shift()?.(line));
  }

  send(line: string): Promise<Record<string, any>> {
    return new Promise(resolve => {
      this.waiting.push(reply => resolve(JSON.parse(reply)));
      this.child.stdin.write(line + "\n");
    });
  }

  call(method: string, params: unknown): Promise<Record<string, any>> {
    return this.send(JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }));
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      this.child.on("exit", () => resolve());
      this.child.stdin.end();
    });
  }
}

function inspectParams(tool: string) {
  return {
    session: { id: "s1", subject: "alice", clientId: null, groups: [], connection: "files" },
    direction: "clientToUpstream", kind: "request", id: 1, method: "tools/call", tool, sequence: 2,
    frame: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: {} } },
  };
}

describe("inspector over stdio", () => {
  let inspector: Inspector;
  before(() => {
    const directory = mkdtempSync(join(tmpdir(), "approval-hold-"));
    const path = join(directory, "tags.json");
    writeFileSync(path, JSON.stringify(config));
    inspector = new Inspector(path);
  });
  after(() => inspector.close());

  it("asks for client tool calls in hello", async () => {
    const reply = await inspector.call("hello", { protocolVersion: 1, inspector: "approval-hold", budgetMs: 200 });
    assert.deepEqual(reply.result.methods, ["tools/call"]);
    assert.deepEqual(reply.result.directions, ["clientToUpstream"]);
    assert.equal(reply.result.protocolVersion, 1);
  });

  it("holds a call to a tool tagged with a held tag", async () => {
    assert.deepEqual((await inspector.call("inspect", inspectParams("write_file"))).result, { verdict: "hold" });
  });

  it("forwards a call to any other tool", async () => {
    assert.deepEqual((await inspector.call("inspect", inspectParams("read_file"))).result, { verdict: "forward" });
  });

  it("answers an unknown method with method not found", async () => {
    assert.equal((await inspector.call("judge", {})).error.code, -32601);
  });

  it("answers a line that is not JSON with a parse error and goes on", async () => {
    assert.equal((await inspector.send("not json")).error.code, -32700);
    assert.deepEqual((await inspector.call("inspect", inspectParams("read_file"))).result, { verdict: "forward" });
  });
});

describe("start", () => {
  it("exits with 2 and says why when the config is broken", () => {
    const directory = mkdtempSync(join(tmpdir(), "approval-hold-"));
    const path = join(directory, "tags.json");
    writeFileSync(path, '{"tags":{}}');
    const run = spawnSync(process.execPath, [program, path], { encoding: "utf8" });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /hold must be a non-empty list/);
  });
});
