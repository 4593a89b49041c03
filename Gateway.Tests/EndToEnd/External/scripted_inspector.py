#!/usr/bin/env python3
"""A test inspector whose behaviour each tool call chooses: the `message` argument of server-everything's echo tool.

    forward (or anything else)  forward
    reject                      reject, reason scripted_refusal
    replace                     replace the message with "replaced by inspector"
    break-envelope              replace the frame with one whose id differs
    whoami                      replace the message with the inspect call's session facts and member names
    sleep:MS                    wait MS milliseconds, then forward (other calls are answered meanwhile)
    crash                       exit at once with code 3
    garbage                     write a line that is not JSON
    stall                       stop reading stdin for good (a slow consumer)
    hold                        hold for approval
    error                       answer with a JSON-RPC error
    bad-verdict                 answer with a verdict that does not exist

Options: --methods M1,M2 (default tools/call), --starts FILE (appends a line per start).
Speaks the inspector protocol on stdin/stdout; standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time

lock = threading.Lock()


def write(message):
    with lock:
        sys.stdout.buffer.write(json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()


def result(id_, value):
    write({"jsonrpc": "2.0", "id": id_, "result": value})


def inspect(id_, params):
    frame = params["frame"]
    arguments = (frame.get("params") or {}).get("arguments") or {}
    message = arguments.get("message", "") if isinstance(arguments, dict) else ""
    if message == "reject":
        result(id_, {"verdict": "reject", "reason": "scripted_refusal"})
    elif message == "replace":
        frame["params"]["arguments"]["message"] = "replaced by inspector"
        result(id_, {"verdict": "replace", "frame": frame})
    elif message == "break-envelope":
        frame["id"] = "not-the-same-id"
        result(id_, {"verdict": "replace", "frame": frame})
    elif message == "whoami":
        frame["params"]["arguments"]["message"] = json.dumps({"session": params["session"], "members": sorted(params.keys()),
                                                              "tool": params.get("tool"), "method": params.get("method"),
                                                              "kind": params.get("kind"), "direction": params.get("direction"),
                                                              "id": params.get("id")})
        result(id_, {"verdict": "replace", "frame": frame})
    elif message.startswith("sleep:"):
        time.sleep(int(message[6:]) / 1000)
        result(id_, {"verdict": "forward"})
    elif message == "crash":
        os._exit(3)
    elif message == "garbage":
        with lock:
            sys.stdout.buffer.write(b"this is not JSON-RPC\n")
            sys.stdout.buffer.flush()
    elif message == "hold":
        result(id_, {"verdict": "hold"})
    elif message == "error":
        write({"jsonrpc": "2.0", "id": id_, "error": {"code": -32000, "message": "scripted failure"}})
    elif message == "bad-verdict":
        result(id_, {"verdict": "maybe"})
    else:
        result(id_, {"verdict": "forward"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", default="tools/call")
    parser.add_argument("--starts")
    args = parser.parse_args()
    if args.starts:
        with open(args.starts, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")

    for raw in sys.stdin.buffer:
        message = json.loads(raw)
        method = message.get("method")
        if "id" not in message:
            continue
        if method == "hello":
            result(message["id"], {"protocolVersion": 1, "directions": ["clientToUpstream"],
                                   "methods": args.methods.split(","), "kinds": ["request"]})
        elif method == "inspect":
            params = message["params"]
            arguments = ((params["frame"].get("params") or {}).get("arguments") or {})
            if isinstance(arguments, dict) and arguments.get("message") == "stall":
                while True:
                    time.sleep(3600)
            threading.Thread(target=inspect, args=(message["id"], params), daemon=True).start()
        else:
            write({"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}})


if __name__ == "__main__":
    main()
