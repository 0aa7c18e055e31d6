#!/usr/bin/env python3
"""Writes a replay benchmark log: N events of the treasury mix (sessions of 8 tool calls drawn from
../shared/bench/treasury-v1/calls.jsonl, with start, response and end events)."""
import json, random, sys

calls_path, out_path, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
calls = [json.loads(l)["params"] for l in open(calls_path)]
rng = random.Random(20261122)
n = 0
with open(out_path, "w") as out:
    s = 0
    while n < total:
        sid, agent = f"s{s}", f"agent-{s % 13}"
        out.write(json.dumps({"type": "session_start", "sessionId": sid, "agentId": agent, "startedAt": "2026-11-21T08:00:00.000Z", "pactId": "bench-treasury"}, separators=(",", ":")) + "\n")
        n += 1
        for i in range(8):
            if n >= total:
                break
            out.write(json.dumps({"type": "tool_call", "sessionId": sid, "agentId": agent, "tool": "transfer_funds", "params": rng.choice(calls),
                                  "outcome": "success" if i % 17 else "error", "attemptedAt": "2026-11-21T08:00:01.000Z", "latencyMs": 42}, separators=(",", ":")) + "\n")
            n += 1
        if n < total:
            out.write(json.dumps({"type": "response", "sessionId": sid, "agentId": agent, "input": "sweep", "output": "done", "outcome": "success", "emittedAt": "2026-11-21T08:00:02.000Z"}, separators=(",", ":")) + "\n")
            n += 1
        if n < total:
            out.write(json.dumps({"type": "session_end", "sessionId": sid, "agentId": agent, "endedAt": f"2026-11-21T08:00:0{3 + s % 7}.000Z", "outcome": "success"}, separators=(",", ":")) + "\n")
            n += 1
        s += 1
