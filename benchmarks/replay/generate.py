#!/usr/bin/env python3
"""Writes a replay benchmark log: N events of the treasury mix (sessions of 8 tool calls drawn from
../shared/bench/treasury-v1/calls.jsonl, with start, response and end events).
With a fourth argument `timed`, time moves on as in real traffic (session s starts 10 s after session s-1,
its calls a second apart), so budget windows hold a bounded number of calls; without it every call carries
the same attemptedAt, as the figures recorded before issue #19 were measured."""
import datetime, json, random, sys

calls_path, out_path, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
timed = len(sys.argv) > 4 and sys.argv[4] == "timed"
base = datetime.datetime(2026, 11, 21, 8, 0, 0, tzinfo=datetime.timezone.utc)


def at(session, second, default):
    if not timed:
        return default
    return (base + datetime.timedelta(seconds=session * 10 + second)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


calls = [json.loads(l)["params"] for l in open(calls_path)]
rng = random.Random(20261122)
n = 0
with open(out_path, "w") as out:
    s = 0
    while n < total:
        sid, agent = f"s{s}", f"agent-{s % 13}"
        out.write(json.dumps({"type": "session_start", "sessionId": sid, "agentId": agent, "startedAt": at(s, 0, "2026-11-21T08:00:00.000Z"), "pactId": "bench-treasury"}, separators=(",", ":")) + "\n")
        n += 1
        for i in range(8):
            if n >= total:
                break
            out.write(json.dumps({"type": "tool_call", "sessionId": sid, "agentId": agent, "tool": "transfer_funds", "params": rng.choice(calls),
                                  "outcome": "success" if i % 17 else "error", "attemptedAt": at(s, 1 + i, "2026-11-21T08:00:01.000Z"), "latencyMs": 42}, separators=(",", ":")) + "\n")
            n += 1
        if n < total:
            out.write(json.dumps({"type": "response", "sessionId": sid, "agentId": agent, "input": "sweep", "output": "done", "outcome": "success", "emittedAt": at(s, 9, "2026-11-21T08:00:02.000Z")}, separators=(",", ":")) + "\n")
            n += 1
        if n < total:
            out.write(json.dumps({"type": "session_end", "sessionId": sid, "agentId": agent, "endedAt": at(s, 9, f"2026-11-21T08:00:0{3 + s % 7}.000Z"), "outcome": "success"}, separators=(",", ":")) + "\n")
            n += 1
        s += 1
