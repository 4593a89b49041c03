#!/usr/bin/env python3
"""An out-of-process McpGateway inspector: refuses tool calls whose arguments match a team's deny list.

Speaks the inspector protocol (docs/inspector-protocol.md): JSON-RPC 2.0, one message per line, on stdin and
stdout when the gateway starts it (transport "stdio"), or on a TCP port / Unix socket when it runs as a service
(--listen-tcp HOST:PORT, --listen-unix PATH). Standard library only.

The deny list is a JSON file:

    {
      "tools": ["run_shell", "query_db"],     # which tools it applies to; "*" for every tool
      "patterns": ["rm\\s+-rf", "(?i)drop\\s+table"],
      "reason": "deny_list_match"             # what the client sees in error.data.reason
    }

Every string in the call's arguments (member names too, at any depth) is searched for every pattern.
"""

import argparse
import json
import re
import socketserver
import sys

PROTOCOL_VERSION = 1


class DenyList:
    def __init__(self, tools, patterns, reason):
        self.tools = set(tools)
        self.patterns = [re.compile(p) for p in patterns]
        self.reason = reason

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
        patterns = config.get("patterns")
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
            raise ValueError(f"{path}: patterns must be a non-empty list of regular expressions")
        tools = config.get("tools", ["*"])
        if not isinstance(tools, list) or not all(isinstance(t, str) for t in tools):
            raise ValueError(f"{path}: tools must be a list of tool names")
        reason = config.get("reason", "deny_list_match")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", reason):
            raise ValueError(f"{path}: reason must be snake_case")
        return DenyList(tools, patterns, reason)

    def applies_to(self, tool):
        return "*" in self.tools or tool in self.tools

    def first_match(self, value):
        """The first pattern a string in value matches, or None."""
        if isinstance(value, str):
            for pattern in self.patterns:
                if pattern.search(value):
                    return pattern.pattern
            return None
        if isinstance(value, dict):
            for key, item in value.items():
                found = self.first_match(key) or self.first_match(item)
                if found:
                    return found
            return None
        if isinstance(value, list):
            for item in value:
                found = self.first_match(item)
                if found:
                    return found
        return None


class Inspector:
    """Answers one JSON-RPC message; knows nothing about the transport."""

    def __init__(self, deny_list, log=sys.stderr):
        self.deny_list = deny_list
        self.log = log

    def hello(self, params):
        return {
            "protocolVersion": PROTOCOL_VERSION,
            "directions": ["clientToUpstream"],
            "methods": ["tools/call"],
            "kinds": ["request"],
            "budgetMs": 100,
        }

    def inspect(self, params):
        tool = params.get("tool")
        if not self.deny_list.applies_to(tool):
            return {"verdict": "forward"}
        frame = params.get("frame") or {}
        arguments = (frame.get("params") or {}).get("arguments")
        pattern = self.deny_list.first_match(arguments)
        if pattern is None:
            return {"verdict": "forward"}
        subject = (params.get("session") or {}).get("subject")
        print(f"refused {tool} for {subject}: arguments match {pattern!r}", file=self.log, flush=True)
        return {"verdict": "reject", "reason": self.deny_list.reason}

    def handle_line(self, line):
        """The reply to one line (a JSON text without its newline), or None when none is due."""
        try:
            message = json.loads(line)
        except ValueError:
            return error_reply(None, -32700, "Parse error")
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0" or not isinstance(message.get("method"), str):
            return error_reply(message.get("id") if isinstance(message, dict) else None, -32600, "Invalid request")
        method = message["method"]
        if "id" not in message:
            return None  # notifications, e.g. $/cancelRequest: nothing to answer
        handler = {"hello": self.hello, "inspect": self.inspect}.get(method)
        if handler is None:
            return error_reply(message["id"], -32601, f"Method not found: {method}")
        params = message.get("params")
        if not isinstance(params, dict):
            return error_reply(message["id"], -32602, "Invalid params: an object is expected")
        return {"jsonrpc": "2.0", "id": message["id"], "result": handler(params)}


def error_reply(id_, code, message):
    return {"jsonrpc": "2.0", "id": id_, "error": {"code": code, "message": message}}


def serve(inspector, reader, writer):
    """Answers every line of reader on writer, in order, until reader ends."""
    for raw in reader:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        reply = inspector.handle_line(line)
        if reply is not None:
            writer.write(json.dumps(reply, separators=(",", ":")).encode("utf-8") + b"\n")
            writer.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deny_list", help="the deny list's JSON file")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--listen-tcp", metavar="HOST:PORT", help="serve the gateway on a TCP port instead of stdio (port 0: any free port)")
    where.add_argument("--listen-unix", metavar="PATH", help="serve the gateway on a Unix socket instead of stdio")
    args = parser.parse_args(argv)
    try:
        inspector = Inspector(DenyList.load(args.deny_list))
    except (OSError, ValueError, re.error) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    if args.listen_tcp is None and args.listen_unix is None:
        serve(inspector, sys.stdin.buffer, sys.stdout.buffer)
        return 0

    class Connection(socketserver.StreamRequestHandler):
        def handle(self):
            serve(inspector, self.rfile, self.wfile)

    if args.listen_tcp is not None:
        host, _, port = args.listen_tcp.rpartition(":")
        server = socketserver.ThreadingTCPServer((host, int(port)), Connection)
    else:
        server = socketserver.ThreadingUnixStreamServer(args.listen_unix, Connection)
    with server:
        # On stdout, which is not the protocol channel in service mode: port 0 picks a free port, and this says which.
        address = server.server_address
        print(f"listening on {address if isinstance(address, str) else f'{address[0]}:{address[1]}'}", flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
