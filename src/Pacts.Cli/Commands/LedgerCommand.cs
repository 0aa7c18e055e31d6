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
        var verifyLedger = LedgerStoreOpening.Options();
        var expectHead = new Option<string>("--expect-head")
        {
            Description = "a head the service answered before, as SEQ:HASH (every ingest answer carries it): also prove no record up to it was removed or rewritten",
            HelpName = "SEQ:HASH",
        };
        var checkpointFile = new Option<string>("--checkpoint")
        {
            Description = "a signed checkpoint (GET /api/v1/ledger/checkpoint, or checkpoint.json in --data): check its signature, then prove no record up to it was removed",
            HelpName = "FILE",
        };
        var publicKey = new Option<string>("--public-key")
        {
            Description = "the key to check --checkpoint with (PEM, from `pacts ledger public-key`; default: the service's own key in --data)",
            HelpName = "FILE",
        };
        var verify = new Command("verify", """
            Check the ledger file, recompute the hash chain and every column and summary derived from it; name the first
            record altered, removed or reordered. Exit codes: 0 intact, 1 broken or damaged, 2 error.
            A chain alone cannot show that records were cut from its end, or that it was rewritten and re-hashed
            whole: a head kept outside the ledger can, signed (--checkpoint FILE) or as SEQ:HASH (--expect-head).
            """)
        {
            expectHead, checkpointFile, publicKey,
        };
        verifyLedger.AddTo(verify);
        verify.SetAction(parse =>
        {
            (long Seq, string Hash)? head = null;
            if (parse.GetValue(checkpointFile) is { } checkpointPath)
            {
                if (parse.GetValue(expectHead) is not null)
                {
                    return (int)context.Fail("give --checkpoint or --expect-head, not both");
                }

                if (SignedHead(context, checkpointPath, parse.GetValue(publicKey), parse.GetValue(verifyLedger.Data), out var refused) is not { } signed)
                {
                    return refused;
                }

                head = signed;
            }
            else if (parse.GetValue(publicKey) is not null)
            {
                return (int)context.Fail("--public-key checks a --checkpoint; give one");
            }

            if (parse.GetValue(expectHead) is { } text)
            {
                if (ParseHead(text) is not { } parsed)
                {
                    return (int)context.Fail($"--expect-head `{text}` is not SEQ:HASH; pass the `head` of an ingest answer, e.g. --expect-head 42:{new string('0', 64)}");
                }

                head = parsed;
            }

            using var opened = verifyLedger.OpenExisting(context, parse, out var damaged);
            if (opened is null)
            {
                return damaged ? (int)ExitCode.Findings : (int)ExitCode.Error;
            }

            return opened.Guard(context, () => Report(context, opened.Store, head));
        });

        var exportLedger = LedgerStoreOpening.Options();
        var exportOut = new Option<string>("--out") { Description = "file to write (default stdout)", HelpName = "FILE" };
        var export = new Command("export", "Write the ledger's events as a SPEC §6 JSONL log that `pacts replay` reads.") { exportOut };
        exportLedger.AddTo(export);
        export.SetAction(parse => exportLedger.WithExisting(context, parse, ledger =>
        {
            try
            {
                (ledger as SqliteLedgerStore)?.CheckIntegrity(); // a damaged page would otherwise cut the log short, or pass unseen in an index
            }
            catch (LedgerDamagedException ex)
            {
                return (int)context.Fail(ex.Message);
            }

            var path = parse.GetValue(exportOut);
            using var writer = path is null ? null : new StreamWriter(path, false, new System.Text.UTF8Encoding(false));
            var w = writer ?? context.Out;
            var records = ledger.RecordsAsync().GetAsyncEnumerator();
            try
            {
                while (records.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    var record = records.Current;
                    // SPEC §11: a tool call's line carries the verdict the service recorded, as its last member `verdict`
                    // (replay ignores it; `pacts diff --baseline recorded` reads it). The event's own bytes come first, as accepted.
                    w.WriteLine(record.Verdict is null || !record.Body.EndsWith('}') ? record.Body
                        : string.Concat(record.Body.AsSpan(0, record.Body.Length - 1), record.Body.Length > 2 ? ",\"verdict\":" : "\"verdict\":", record.Verdict, "}"));
                }
            }
            finally
            {
                records.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return 0;
        }));

        var keyFile = new Argument<string>("FILE") { Description = "where to write the new private key (PEM, mode 0600); an existing file is not replaced" };
        var keygen = new Command("keygen", "Write a new signing key (ECDSA P-256) for --signing-key; print its key id.") { keyFile };
        keygen.SetAction(parse =>
        {
            var path = parse.GetValue(keyFile)!;
            using var signer = LedgerSigner.Generate();
            try
            {
                signer.Save(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (int)context.Fail(File.Exists(path) ? $"{path} exists; a signing key is never replaced (move it away first)" : $"{path}: {ex.Message}");
            }

            context.Out.WriteLine(signer.KeyId);
            context.Err.WriteLine($"signing key written to {path} (owner-only); give every instance the same file, and counterparties `pacts ledger public-key --signing-key {path}`");
            return 0;
        });

        var publicOf = new Option<string>("--signing-key") { Description = "the private key file", HelpName = "FILE", Required = true };
        var publicKeyCommand = new Command("public-key", "Print the public key (PEM) that checks the checkpoints and trust answers signed with --signing-key.") { publicOf };
        publicKeyCommand.SetAction(parse =>
        {
            try
            {
                using var signer = LedgerSigner.Load(parse.GetValue(publicOf)!);
                context.Out.Write(signer.PublicKeyPem);
                context.Err.WriteLine($"key id {signer.KeyId}");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                return (int)context.Fail(ex.Message);
            }
        });

        return new Command("ledger", """
            Check or export the service's ledger; make and show its signing key.

            Example:
              pacts ledger verify --data ./data --checkpoint checkpoint.json --public-key ledger.pub
              pacts ledger verify --data ./data --expect-head 42:HASH
              pacts ledger export --data ./data --out day.jsonl && pacts replay day.jsonl --pacts ./pacts
              pacts ledger keygen signing-key.pem && pacts ledger public-key --signing-key signing-key.pem >ledger.pub
            """)
        {
            verify, export, keygen, publicKeyCommand,
        };
    }

    /// <summary>The head a checkpoint file signs, once its signature checks with the key given (or the service's own); null after saying why not.</summary>
    /// <summary>Verifies the ledger and prints the one-line answer; exit 0 intact, 1 broken or damaged.</summary>
    private static int Report(CliContext context, ILedgerStore ledger, (long Seq, string Hash)? head)
    {
        var result = ledger.VerifyAsync(head).GetAwaiter().GetResult();
        if (result.Damaged)
        {
            context.Fail(result.Problem!);
            return (int)ExitCode.Findings;
        }

        if (result.Ok)
        {
            var (seq, hash) = ledger.HeadAsync().GetAwaiter().GetResult();
            context.Out.WriteLine(head is null
                ? $"ledger ok: {result.Records} records, head {seq}:{hash}"
                : $"ledger ok: {result.Records} records, head {seq}:{hash}, nothing removed up to {head.Value.Seq}:{head.Value.Hash}");
            return 0;
        }

        context.Out.WriteLine(result.FirstBadSeq is { } bad ? $"ledger broken at record {bad}: {result.Problem}" : $"ledger broken: {result.Problem}");
        return 1;
    }

    private static (long, string)? SignedHead(CliContext context, string path, string? publicKeyPath, string? dataDir, out int exit)
    {
        exit = (int)ExitCode.Error;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Fail($"{path}: {ex.Message}");
            return null;
        }

        if (Checkpoint.Parse(text, out var problem) is not { } checkpoint)
        {
            context.Fail($"{path}: not a checkpoint: {problem}");
            return null;
        }

        if (publicKeyPath is null && dataDir is null)
        {
            context.Fail("--checkpoint needs --public-key FILE (or --data DIR, where the service keeps its key)");
            return null;
        }

        var keyPath = publicKeyPath ?? Path.Combine(dataDir!, "signing-key.pem");
        LedgerKey key;
        try
        {
            key = LedgerKey.FromFile(keyPath);
        }
        catch (InvalidOperationException ex)
        {
            context.Fail(ex.Message + (publicKeyPath is null && !File.Exists(keyPath) ? "; give --public-key FILE" : ""));
            return null;
        }

        using (key)
        {
            if (!key.Verify(checkpoint))
            {
                context.Out.WriteLine(checkpoint.KeyId != key.KeyId
                    ? $"checkpoint {path} is signed by key {checkpoint.KeyId}, not by {key.KeyId} ({keyPath})"
                    : $"checkpoint {path} has a bad signature: it was altered after signing");
                exit = (int)ExitCode.Findings;
                return null;
            }
        }

        if (publicKeyPath is null)
        {
            context.Err.WriteLine($"note: checkpoint checked with the service's own key ({keyPath}); a counterparty should keep the public key apart and pass --public-key");
        }

        return (checkpoint.Seq, checkpoint.Hash);
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
