// The inspector protocol (docs/inspector-protocol.md): JSON-RPC 2.0, one message per line.

export const PROTOCOL_VERSION = 1;

export type Id = string | number | null;

export interface Request {
  jsonrpc: "2.0";
  id?: Id;
  method: string;
  params?: Record<string, unknown>;
}

export interface SessionFacts {
  id: string;
  subject: string | null;
  clientId: string | null;
  groups: string[];
  connection: string | null;
}

export interface InspectParams {
  session: SessionFacts;
  direction: "clientToUpstream" | "upstreamToClient";
  kind: "request" | "notification" | "response" | "error";
  id: string | number | null;
  method: string | null;
  tool: string | null;
  sequence: number;
  frame: Record<string, unknown>;
}

export type Verdict =
  | { verdict: "forward" }
  | { verdict: "reject"; reason: string }
  | { verdict: "replace"; frame: Record<string, unknown> }
  | { verdict: "hold" };

export function result(id: Id, value: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, result: value });
}

export function error(id: Id, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } });
}
