// A pass-through out-of-process inspector for the load driver (targets gateway-extproc*): says hello asking for the
// client's requests of the methods given as arguments, and answers every inspect call with forward at once.
//   node passthrough-inspector.mjs tools/call
import { createInterface } from "node:readline";

const methods = process.argv.slice(2);
const out = [];
let scheduled = false;

// Replies of one read burst leave in one write.
function send(line) {
  out.push(line);
  if (!scheduled) {
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      process.stdout.write(out.join("\n") + "\n");
      out.length = 0;
    });
  }
}

createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", line => {
  const message = JSON.parse(line);
  if (message.id === undefined) {
    return;
  }
  const result = message.method === "hello"
    ? { protocolVersion: 1, directions: ["clientToUpstream"], methods, kinds: ["request"] }
    : { verdict: "forward" };
  send(JSON.stringify({ jsonrpc: "2.0", id: message.id, result }));
});
