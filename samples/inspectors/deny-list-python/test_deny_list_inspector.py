"""Tests of the deny-list inspector, through its real stdio as the gateway speaks to it.

Run: python3 -m unittest discover -s samples/inspectors/deny-list-python
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "deny_list_inspector.py")


class StdioInspector:
    def __init__(self, deny_list_path):
        self.process = subprocess.Popen(
            [sys.executable, SCRIPT, deny_list_path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 1

    def send_line(self, line):
        self.process.stdin.write(line.encode("utf-8") + b"\n")
        self.process.stdin.flush()

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the inspector closed its stdout")
        return json.loads(line)

    def call(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.send_line(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
        reply = self.read()
        assert reply["id"] == request_id, reply
        return reply

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()


def inspect_params(tool, arguments):
    return {
        "session": {"id": "s1", "subject": "alice", "groups": ["dev"], "clientId": None, "connection": "everything"},
        "direction": "clientToUpstream",
        "kind": "request",
        "id": 7,
        "method": "tools/call",
        "tool": tool,
        "sequence": 3,
        "frame": {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": tool, "arguments": arguments}},
    }


class DenyListInspectorTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.deny_list = os.path.join(self.directory.name, "deny.json")
        with open(self.deny_list, "w", encoding="utf-8") as f:
            json.dump({"tools": ["run_shell"], "patterns": ["rm\\s+-rf", "(?i)drop\\s+table"], "reason": "team_deny_list"}, f)
        self.inspector = StdioInspector(self.deny_list)

    def tearDown(self):
        self.inspector.close()
        self.directory.cleanup()

    def test_hello_asks_for_client_tool_calls_only(self):
        result = self.inspector.call("hello", {"protocolVersion": 1, "inspector": "deny-list", "budgetMs": 200})["result"]
        self.assertEqual(result["protocolVersion"], 1)
        self.assertEqual(result["directions"], ["clientToUpstream"])
        self.assertEqual(result["methods"], ["tools/call"])
        self.assertEqual(result["kinds"], ["request"])

    def test_inspect_matching_argument_rejects_with_configured_reason(self):
        reply = self.inspector.call("inspect", inspect_params("run_shell", {"command": "rm  -rf /"}))
        self.assertEqual(reply["result"], {"verdict": "reject", "reason": "team_deny_list"})

    def test_inspect_match_nested_in_list_rejects(self):
        reply = self.inspector.call("inspect", inspect_params("run_shell", {"steps": [{"cmd": "ls"}, {"cmd": "DROP TABLE users"}]}))
        self.assertEqual(reply["result"]["verdict"], "reject")

    def test_inspect_clean_arguments_forwards(self):
        reply = self.inspector.call("inspect", inspect_params("run_shell", {"command": "ls -la"}))
        self.assertEqual(reply["result"], {"verdict": "forward"})

    def test_inspect_tool_not_on_list_forwards_even_when_matching(self):
        reply = self.inspector.call("inspect", inspect_params("echo", {"message": "rm -rf /"}))
        self.assertEqual(reply["result"], {"verdict": "forward"})

    def test_unknown_method_answers_method_not_found(self):
        reply = self.inspector.call("inspect_all", {})
        self.assertEqual(reply["error"]["code"], -32601)

    def test_garbage_line_answers_parse_error_and_keeps_serving(self):
        self.inspector.send_line("this is not json")
        self.assertEqual(self.inspector.read()["error"]["code"], -32700)
        reply = self.inspector.call("inspect", inspect_params("run_shell", {"command": "ls"}))
        self.assertEqual(reply["result"], {"verdict": "forward"})

    def test_cancel_notification_gets_no_answer(self):
        self.inspector.send_line(json.dumps({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 1}}))
        reply = self.inspector.call("inspect", inspect_params("run_shell", {"command": "ls"}))
        self.assertEqual(reply["result"], {"verdict": "forward"})


class DenyListFileTests(unittest.TestCase):
    def test_missing_patterns_exits_with_error(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "deny.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"tools": ["*"]}, f)
            done = subprocess.run([sys.executable, SCRIPT, path], capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2)
        self.assertIn("patterns must be a non-empty list", done.stderr)

    def test_sample_deny_list_loads(self):
        sys.path.insert(0, HERE)
        try:
            import deny_list_inspector
            deny_list = deny_list_inspector.DenyList.load(os.path.join(HERE, "deny-list.json"))
        finally:
            sys.path.remove(HERE)
        self.assertEqual(deny_list.first_match({"query": "drop   TABLE x"}), "(?i)drop\\s+table")


if __name__ == "__main__":
    unittest.main()
