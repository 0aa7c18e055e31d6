using System.CommandLine;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts serve</c>, <c>pacts keys</c> and <c>pacts ledger</c>: the service and its data directory.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var pacts = new Option<string>("--pacts") { Description = "pact directory (watched; env PACTS_PACTS)" };
        var data = new Option<string>("--data") { Description = "data directory for the ledger and keys (env PACTS_DATA)" };
        var urls = new Option<string>("--urls") { Description = "where to listen, e.g. http://127.0.0.1:8080 (env PACTS_URLS)" };
        var command = new Command("serve", """
            Run the ingest and pre-flight HTTP service (SPEC §9) with a hash-chained ledger.

            Example:
              pacts keys add --data ./data --description "atlas agent"
              pacts serve --pacts examples/pacts --data ./data --urls http://127.0.0.1:8080
            """)
        {
            pacts, data, urls,
        };
        command.SetAction(parse =>
        {
            var args = new List<string>();
            Add(args, "--pacts", parse.GetValue(pacts));
            Add(args, "--data", parse.GetValue(data));
            Add(args, "--urls", parse.GetValue(urls));
            return PactsServer.Run([.. args]);
        });
        return command;
    }

    public static Command Keys(CliContext context)
    {
        var data = DataOption();
        var description = new Option<string>("--description") { Description = "who or what the key is for", Required = true };
        var add = new Command("add", "Create a key; it is printed once and only its SHA-256 is stored.") { data, description };
        add.SetAction(parse =>
        {
            using var ledger = new Ledger(parse.GetValue(data)!);
            var (key, info) = new KeyStore(ledger).Add(parse.GetValue(description)!);
            context.Out.WriteLine(key);
            context.Err.WriteLine($"key {info.Id} created; store it now, it cannot be shown again");
            return 0;
        });

        var listData = DataOption();
        var list = new Command("list", "List keys (id, description, created, revoked).") { listData };
        list.SetAction(parse =>
        {
            using var ledger = OpenExisting(parse.GetValue(listData)!, context);
            if (ledger is null)
            {
                return (int)ExitCode.Error;
            }

            foreach (var k in new KeyStore(ledger).List())
            {
                context.Out.WriteLine($"{k.Id}  {k.Created:u}  {(k.Revoked is null ? "active " : $"revoked {k.Revoked:u}")}  {k.Description}");
            }

            return 0;
        });

        var revokeData = DataOption();
        var id = new Argument<string>("ID") { Description = "the key id (the part after pk_)" };
        var revoke = new Command("revoke", "Revoke a key by id.") { revokeData, id };
        revoke.SetAction(parse =>
        {
            using var ledger = OpenExisting(parse.GetValue(revokeData)!, context);
            if (ledger is null)
            {
                return (int)ExitCode.Error;
            }

            return new KeyStore(ledger).Revoke(parse.GetValue(id)!)
                ? 0
                : (int)context.Fail($"no active key `{parse.GetValue(id)}`; see `pacts keys list --data DIR`");
        });

        return new Command("keys", """
            Manage the service's API keys (sent as X-Pact-Key).

            Example:
              pacts keys add --data ./data --description "atlas agent"
            """)
        {
            add, list, revoke,
        };
    }

    public static Command Ledger(CliContext context)
    {
        var verifyData = DataOption();
        var verify = new Command("verify", "Recompute the hash chain; name the first record altered, removed or reordered.") { verifyData };
        verify.SetAction(parse =>
        {
            using var ledger = OpenExisting(parse.GetValue(verifyData)!, context);
            if (ledger is null)
            {
                return (int)ExitCode.Error;
            }

            var result = ledger.Verify();
            if (result.Ok)
            {
                context.Out.WriteLine($"ledger ok: {result.Records} records, head {ledger.Head().Hash}");
                return 0;
            }

            context.Out.WriteLine($"ledger broken at record {result.FirstBadSeq}: {result.Problem}");
            return 1;
        });

        var exportData = DataOption();
        var exportOut = new Option<string>("--out") { Description = "file to write (default stdout)" };
        var export = new Command("export", "Write the ledger's events as a SPEC §6 JSONL log that `pacts replay` reads.") { exportData, exportOut };
        export.SetAction(parse =>
        {
            using var ledger = OpenExisting(parse.GetValue(exportData)!, context);
            if (ledger is null)
            {
                return (int)ExitCode.Error;
            }

            var path = parse.GetValue(exportOut);
            using var writer = path is null ? null : new StreamWriter(path, false, new System.Text.UTF8Encoding(false));
            var w = writer ?? context.Out;
            foreach (var record in ledger.Records())
            {
                w.WriteLine(record.Body);
            }

            return 0;
        });

        return new Command("ledger", """
            Check or export the service's ledger.

            Example:
              pacts ledger verify --data ./data
              pacts ledger export --data ./data --out day.jsonl && pacts replay day.jsonl --pacts examples/pacts
            """)
        {
            verify, export,
        };
    }

    /// <summary>
    /// The ledger of a data directory that has one. Only `pacts serve` and `pacts keys add` create a ledger: a command
    /// that reads one (verify, export, list, revoke) given a mistyped `--data` would otherwise create an empty ledger
    /// there and report on it, `ledger verify` saying "ok: 0 records".
    /// </summary>
    private static Ledger? OpenExisting(string dataDir, CliContext context)
    {
        if (File.Exists(Path.Combine(dataDir, Server.Ledger.FileName)))
        {
            return new Ledger(dataDir);
        }

        context.Fail($"no ledger in {dataDir} (no {Server.Ledger.FileName} there); check --data, or create one with `pacts serve --data {dataDir}` or `pacts keys add --data {dataDir}`");
        return null;
    }

    private static Option<string> DataOption() => new("--data") { Description = "the service's data directory", Required = true };

    private static void Add(List<string> args, string name, string? value)
    {
        if (value is not null)
        {
            args.Add(name);
            args.Add(value);
        }
    }
}
