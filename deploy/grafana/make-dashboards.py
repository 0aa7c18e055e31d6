#!/usr/bin/env python3
"""Writes the three dashboards' JSON from the panel list below (run it after changing a panel; the JSON is committed).
Every panel's SQL is run by tests/Pacts.Server.Tests/GrafanaDashboardTests.cs against a real PostgreSQL ledger that
has ingested examples/events/atlas.jsonl, and must return what `pacts replay` reports for that log."""
import json, os

TOOL_CALLS = "type = 'tool_call' AND $__timeFilter(ts::timestamptz)"
EVALUATED = TOOL_CALLS + " AND verdict IS NOT NULL"
DURATIONS = """SELECT EXTRACT(EPOCH FROM (e.ts::timestamptz - s.ts::timestamptz)) * 1000 AS ms
  FROM events e JOIN LATERAL (SELECT ts FROM events s WHERE s.type = 'session_start' AND s.session_id = e.session_id AND s.seq < e.seq ORDER BY s.seq DESC LIMIT 1) s ON TRUE
  WHERE e.type = 'session_end' AND $__timeFilter(e.ts::timestamptz)"""

DASHBOARDS = {
    "session-health": ("Pacts: session health", [
        ("stat", "Sessions", "none", "SELECT count(*) AS sessions FROM events WHERE type = 'session_start' AND $__timeFilter(ts::timestamptz)"),
        ("stat", "Ended with success", "percent",
         "SELECT round(100.0 * count(*) FILTER (WHERE body::jsonb->>'outcome' = 'success') / nullif(count(*), 0), 1) AS success_pct FROM events WHERE type = 'session_end' AND $__timeFilter(ts::timestamptz)"),
        ("stat", "Session duration p50", "ms", "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS p50_ms FROM (" + DURATIONS + ") d"),
        ("stat", "Session duration p95", "ms", "SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY ms) AS p95_ms FROM (" + DURATIONS + ") d"),
        ("stat", "Tool errors", "percent",
         "SELECT round(100.0 * count(*) FILTER (WHERE body::jsonb->>'outcome' = 'error') / nullif(count(*), 0), 1) AS error_pct FROM events WHERE " + TOOL_CALLS),
        ("table", "Sessions by agent", "none",
         "SELECT agent_id AS agent, count(*) FILTER (WHERE type = 'session_start') AS sessions, count(*) FILTER (WHERE type = 'session_end' AND body::jsonb->>'outcome' = 'success') AS ended_success, count(*) FILTER (WHERE type = 'tool_call') AS tool_calls FROM events WHERE $__timeFilter(ts::timestamptz) GROUP BY agent_id ORDER BY agent_id"),
    ]),
    "pact-compliance": ("Pacts: pact compliance", [
        ("stat", "Compliance", "percent",
         "SELECT round(100.0 * count(*) FILTER (WHERE valid = 1) / nullif(count(*), 0), 1) AS compliance_pct FROM events WHERE " + EVALUATED),
        ("stat", "Critical calls", "none", "SELECT count(*) AS critical FROM events WHERE " + EVALUATED + " AND severity = 'critical'"),
        ("table", "Invalid calls by severity", "none",
         "SELECT severity, count(*) AS calls FROM events WHERE " + EVALUATED + " AND valid = 0 GROUP BY severity ORDER BY severity"),
        ("table", "Compliance by pact", "none",
         "SELECT pact_id AS pact, count(*) AS evaluated, round(100.0 * count(*) FILTER (WHERE valid = 1) / count(*), 1) AS valid_pct FROM events WHERE " + EVALUATED + " GROUP BY pact_id ORDER BY pact_id"),
        ("table", "Critical violations", "none",
         "SELECT e.ts AS attempted_at, e.agent_id AS agent, e.session_id AS session, e.tool, v->>'paramPath' AS param_path, v->>'rule' AS rule, v->>'value' AS value, v->>'message' AS message FROM events e CROSS JOIN LATERAL jsonb_array_elements(e.verdict::jsonb->'violations') v WHERE e." + EVALUATED.replace("type", "type", 1) + " AND v->>'severity' = 'critical' ORDER BY e.seq, v->>'paramPath'"),
        ("table", "Top violating paths", "none",
         "SELECT v->>'paramPath' AS param_path, count(*) AS calls FROM events e CROSS JOIN LATERAL jsonb_array_elements(e.verdict::jsonb->'violations') v WHERE e.type = 'tool_call' AND $__timeFilter(e.ts::timestamptz) GROUP BY 1 ORDER BY 2 DESC, 1"),
    ]),
    "trust-oracle": ("Pacts: trust-oracle health", [
        ("stat", "Agents", "none", "SELECT count(*) AS agents FROM agent_summary"),
        ("stat", "Ledger records", "none", "SELECT count(*) AS records FROM events"),
        ("stat", "Ledger head", "none", "SELECT max(seq) AS head_seq FROM events"),
        ("table", "Trust summary by agent", "none",
         "SELECT agent_id AS agent, tool_calls, evaluated, valid, critical, major, minor, round(100.0 * valid / nullif(evaluated, 0), 1) AS valid_pct, last_ts AS last_event FROM agent_summary ORDER BY agent_id"),
        ("table", "Most violated paths by agent", "none",
         "SELECT agent_id AS agent, param_path, count AS calls FROM agent_paths ORDER BY count DESC, agent_id, param_path LIMIT 20"),
    ]),
}

def panel(i, kind, title, unit, sql, grid):
    return {
        "id": i + 1, "type": kind, "title": title,
        "datasource": {"type": "grafana-postgresql-datasource", "uid": "pacts-ledger"},
        "gridPos": grid,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {} if kind == "table" else {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        "targets": [{"refId": "A", "datasource": {"type": "grafana-postgresql-datasource", "uid": "pacts-ledger"},
                     "editorMode": "code", "format": "table", "rawQuery": True, "rawSql": sql}],
    }

here = os.path.dirname(os.path.abspath(__file__))
for uid, (title, panels) in DASHBOARDS.items():
    out, stats, y = [], 0, 4
    for i, p in enumerate(panels):
        if p[0] == "stat":  # the figures in one row at the top, the tables under them
            grid = {"h": 4, "w": 6, "x": 6 * (stats % 4), "y": 4 * (stats // 4)}
            stats += 1
        else:
            grid = {"h": 8, "w": 24, "x": 0, "y": 4 * ((stats + 3) // 4) + (y - 4)}
            y += 8
        out.append(panel(i, *p, grid))
    board = {"uid": "pacts-" + uid, "title": title, "tags": ["pacts"], "timezone": "utc", "schemaVersion": 39, "version": 1,
             "time": {"from": "now-7d", "to": "now"}, "refresh": "1m", "panels": out}
    with open(os.path.join(here, "dashboards", uid + ".json"), "w") as f:
        json.dump(board, f, indent=2)
        f.write("\n")
