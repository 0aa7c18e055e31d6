# A minimal MCP server over stdio for the proxy tests: answers initialize, records each tools/call it runs in ran.txt
# (its working directory) and answers it "ok"; exits with the code in argv[1] when it reads "exit".
import sys, json
for line in sys.stdin:
    if line.strip() == "exit": sys.exit(int(sys.argv[1]))
    try: m = json.loads(line)
    except Exception: print("not json from server", flush=True); continue
    if m.get("method") == "initialize":
        print(json.dumps({"jsonrpc":"2.0","id":m["id"],"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"t","version":"1"}}}), flush=True)
    elif m.get("method") == "tools/call":
        open("ran.txt","a").write(json.dumps(m["params"])+"\n")
        print(json.dumps({"jsonrpc":"2.0","id":m["id"],"result":{"content":[{"type":"text","text":"ok"}]}}), flush=True)
    elif "id" in m and "method" in m:
        print(json.dumps({"jsonrpc":"2.0","id":m["id"],"result":{}}), flush=True)
