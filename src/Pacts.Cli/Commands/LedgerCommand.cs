using System.CommandLine;
using System.Globalization;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts ledger verify|export</c>: check or export the service's ledger.</summary>
internal static class LedgerCommand
{
    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static Command Create(CliContext context)
    {
        var verifyData = LedgerStoreOpening.DataOption();
        var expectHead = new Option<string>("--expect-head")
        {
            Description = "a head the service answered before, as SEQ:HASH (every ingest answer carries it): also prove no record up to it was removed or rewritten",
            HelpName = "SEQ:HASH",
        };
        var verify = new Command("verify", """
            Check the ledger file, recompute the hash chain and every column and summary derived from it; name the first
            record altered, removed or reordered. Exit codes: 0 intact, 1 broken or damaged, 2 error.
            A chain alone cannot show that records were cut from its end, or that it was rewritten and re-hashed
            whole: --expect-head SEQ:HASH, a head kept outside the ledger, can.
            """)
        {
            verifyData, expectHead,
        };
        verify.SetAction(parse =>
        {
            (long Seq, string Hash)? head = null;
            if (parse.GetValue(expectHead) is { } text)
            {
                if (ParseHead(text) is not { } parsed)
                {
                    return (int)context.Fail($"--expect-head `{text}` is not SEQ:HASH; pass the `head` of an ingest answer, e.g. --expect-head 42:{new string('0', 64)}");
                }

                head = parsed;
            }

            using var ledger = LedgerStoreOpening.OpenExisting(parse.GetValue(verifyData)!, context, out var damaged);
            if (ledger is null)
            {
                return damaged ? (int)ExitCode.Findings : (int)ExitCode.Error;
            }

            var result = ledger.Verify(head);
            if (result.Damaged)
            {
                context.Fail(result.Problem!);
                return (int)ExitCode.Findings;
            }

            if (result.Ok)
            {
                var (seq, hash) = ledger.Head();
                context.Out.WriteLine(head is null
                    ? $"ledger ok: {result.Records} records, head {seq}:{hash}"
                    : $"ledger ok: {result.Records} records, head {seq}:{hash}, nothing removed up to {head.Value.Seq}:{head.Value.Hash}");
                return 0;
            }

            context.Out.WriteLine(result.FirstBadSeq is { } bad ? $"ledger broken at record {bad}: {result.Problem}" : $"ledger broken: {result.Problem}");
            return 1;
        });

        var exportData = LedgerStoreOpening.DataOption();
        var exportOut = new Option<string>("--out") { Description = "file to write (default stdout)", HelpName = "FILE" };
        var export = new Command("export", "Write the ledger's events as a SPEC §6 JSONL log that `pacts replay` reads.") { exportData, exportOut };
        export.SetAction(parse => LedgerStoreOpening.WithExisting(context, parse.GetValue(exportData)!, ledger =>
        {
            try
            {
                ledger.CheckIntegrity(); // a damaged page would otherwise cut the log short, or pass unseen in an index
            }
            catch (LedgerDamagedException ex)
            {
                return (int)context.Fail(ex.Message);
            }

            var path = parse.GetValue(exportOut);
            using var writer = path is null ? null : new StreamWriter(path, false, new System.Text.UTF8Encoding(false));
            var w = writer ?? context.Out;
            foreach (var record in ledger.Records())
            {
                // SPEC §11: a tool call's line carries the verdict the service recorded, as its last member `verdict`
                // (replay ignores it; `pacts diff --baseline recorded` reads it). The event's own bytes come first, as accepted.
                w.WriteLine(record.Verdict is null || !record.Body.EndsWith('}') ? record.Body
                    : string.Concat(record.Body.AsSpan(0, record.Body.Length - 1), record.Body.Length > 2 ? ",\"verdict\":" : "\"verdict\":", record.Verdict, "}"));
            }

            return 0;
        }));

        return new Command("ledger", """
            Check or export the service's ledger.

            Example:
              pacts ledger verify --data ./data --expect-head 42:HASH
              pacts ledger export --data ./data --out day.jsonl && pacts replay day.jsonl --pacts ./pacts
            """)
        {
            verify, export,
        };
    }

    private static (long, string)? ParseHead(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            && text.Length - colon - 1 == 64 && !text.AsSpan(colon + 1).ContainsAnyExcept(Hex)
            ? (seq, text[(colon + 1)..].ToLowerInvariant())
            : null;
    }
}
