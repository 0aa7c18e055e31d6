# A minimal MCP server over stdio for the proxy tests: answers initialize, records each tools/call it runs in ran.txt
# (its working directory) and answers it "ok"; exits with the code in argv[1] when it reads the notification test/exit.
# argv[2] picks a misbehaviour: crash-on-call (exit argv[1] instead of answering a call), noise (a non-JSON line
# before each answer), huge (answer a call with one line over 64 MiB), hang (never answer a call and ignore the end
# of input), early (exit argv[1] before reading anything).
import sys, json, time
mode = sys.argv[2] if len(sys.argv) > 2 else ""
if mode == "early": sys.exit(int(sys.argv[1]))
def say(m):
    if mode == "noise": print("server log: starting work", flush=True)
    print(json.dumps(m), flush=True)
for line in sys.stdin:
    try: m = json.loads(line)
    except Exception:
        say({"jsonrpc":"2.0","id":None,"error":{"code":-32700,"message":"Parse error"}}); continue
    if not isinstance(m, dict): continue  # a batch (the proxy forwards one of notifications only) or a bare value
    if m.get("method") == "test/exit": sys.exit(int(sys.argv[1]))
    if m.get("method") == "initialize":
        say({"jsonrpc":"2.0","id":m["id"],"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"t","version":"1"}}})
    elif m.get("method") == "server/discover" and mode == "legacy":
        say({"jsonrpc":"2.0","id":m["id"],"error":{"code":-32601,"message":"Method not found"}})
    elif m.get("method") == "tools/call":
        if mode == "crash-on-call": sys.exit(int(sys.argv[1]))
        if mode == "hang": continue
        open("ran.txt","a").write(json.dumps(m["params"])+"\n")
        if mode == "huge": sys.stdout.write('{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"%s"}]}}\n' % (json.dumps(m["id"]), "x" * (64 * 1024 * 1024))); sys.stdout.flush(); continue
        say({"jsonrpc":"2.0","id":m["id"],"result":{"content":[{"type":"text","text":"ok"}]}})
    elif "id" in m and "method" in m:
        say({"jsonrpc":"2.0","id":m["id"],"result":{}})
if mode == "hang":
    while True: time.sleep(1)
