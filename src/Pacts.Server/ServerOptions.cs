namespace Pacts.Server;

/// <summary>
/// Service settings. Each comes from the command line (<c>--pacts</c>, <c>--data</c>, <c>--urls</c>) or the
/// environment (<c>PACTS_PACTS</c>, <c>PACTS_DATA</c>, <c>PACTS_URLS</c>, <c>PACTS_MAX_EVENTS</c>,
/// <c>PACTS_MAX_BODY_BYTES</c>, <c>PACTS_MAX_PARAM_DEPTH</c>, <c>PACTS_MAX_CLOCK_SKEW</c>); the command line wins.
/// </summary>
public sealed record ServerOptions(string PactsPath, string DataDir, int MaxEventsPerBatch = 1000, long MaxBodyBytes = 4 * 1024 * 1024, int MaxParamDepth = Pact.MaxParamsDepth)
{
    /// <summary>SPEC §10: a tool call whose <c>attemptedAt</c> lies further than this after its arrival is rejected (default 5 minutes).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--signing-key</c>: the checkpoint and trust-answer signing key; null for <c>signing-key.pem</c> in the data directory (made when absent).</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>How often the ledger's head is signed (default 60 s; also at start and on shutdown).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>--connection</c> with <c>--store postgres</c>: the PostgreSQL ledger's Npgsql connection string; null for the
    /// embedded SQLite ledger in <see cref="DataDir"/> (the default).
    /// </summary>
    public string? PostgresConnection { get; init; }

    /// <summary>Opens the ledger these options name.</summary>
    public ILedgerStore OpenStore() => PostgresConnection is { } c ? new PostgresLedgerStore(c) : new SqliteLedgerStore(DataDir);

    /// <summary>
    /// The connection string of <c>--store</c> / <c>--connection</c> (or <c>PACTS_STORE</c> / <c>PACTS_CONNECTION</c>):
    /// null for sqlite, the string for postgres; any other combination is one error.
    /// </summary>
    public static string? StoreConnection(string? store, string? connection)
    {
        switch (store ?? "sqlite")
        {
            case "sqlite" when connection is null:
                return null;
            case "sqlite":
                throw new InvalidOperationException("--connection is for --store postgres; the sqlite ledger lives in --data");
            case "postgres" when connection is { Length: > 0 }:
                return connection;
            case "postgres":
                throw new InvalidOperationException("--store postgres needs --connection \"Host=…;Database=…;Username=…\" (or PACTS_CONNECTION, which keeps a password off the command line)");
            default:
                throw new InvalidOperationException($"--store `{store}` is not sqlite or postgres");
        }
    }

    /// <summary>The signing key file in use.</summary>
    public string SigningKeyFile => SigningKeyPath ?? Path.Combine(DataDir, "signing-key.pem");

    /// <summary><c>--alert-webhook</c>: where an alert is POSTed for each ingested call at or above <see cref="AlertOn"/>; null for none.</summary>
    public Uri? AlertWebhook { get; init; }

    /// <summary><c>--alert-on</c>: the lowest severity that pages (default critical).</summary>
    public Evaluating.Severity AlertOn { get; init; } = Evaluating.Severity.Critical;

    /// <summary>The first retry's delay for an undelivered alert (doubling, with jitter, up to a minute); default 1 s.</summary>
    public TimeSpan AlertRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads a duration written as a budget window is (<c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>); null for anything else.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (text is not { Length: >= 2 } || !long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    public static ServerOptions From(IConfiguration config)
    {
        var options = Read(config);
        if (options.PostgresConnection is not null && options.SigningKeyPath is null)
        {
            // SPEC §9: every instance on one database signs with one key, so none may quietly make its own.
            throw new InvalidOperationException("--store postgres needs --signing-key FILE (or PACTS_SIGNING_KEY), the one key every instance shares; make it once with `pacts ledger keygen FILE`");
        }

        return options;
    }

    private static ServerOptions Read(IConfiguration config)
    {
        var pacts = config["pacts"] ?? Environment.GetEnvironmentVariable("PACTS_PACTS")
            ?? throw new InvalidOperationException("no pacts: pass --pacts DIR or set PACTS_PACTS");
        var data = config["data"] ?? Environment.GetEnvironmentVariable("PACTS_DATA")
            ?? throw new InvalidOperationException("no data directory: pass --data DIR or set PACTS_DATA");
        return new ServerOptions(pacts, data,
            Int(config, "max-events", "PACTS_MAX_EVENTS", 1000),
            Int(config, "max-body-bytes", "PACTS_MAX_BODY_BYTES", 4 * 1024 * 1024),
            // By default as deep as the engine reads everywhere else, so a call the CLI and replay judge is judged here;
            // lower is a policy choice, deeper would judge what replay and the CLI refuse.
            Math.Min(Int(config, "max-param-depth", "PACTS_MAX_PARAM_DEPTH", Pact.MaxParamsDepth), Pact.MaxParamsDepth))
        {
            MaxClockSkew = (config["max-clock-skew"] ?? Environment.GetEnvironmentVariable("PACTS_MAX_CLOCK_SKEW")) is { } skew
                ? ParseDuration(skew) ?? throw new InvalidOperationException($"--max-clock-skew `{skew}` is not a duration such as 30s, 5m or 1h")
                : TimeSpan.FromMinutes(5),
            AlertWebhook = (config["alert-webhook"] ?? Environment.GetEnvironmentVariable("PACTS_ALERT_WEBHOOK")) is { Length: > 0 } hook
                ? Uri.TryCreate(hook, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                    ? uri
                    : throw new InvalidOperationException($"--alert-webhook `{hook}` is not an http or https URL")
                : null,
            AlertOn = (config["alert-on"] ?? Environment.GetEnvironmentVariable("PACTS_ALERT_ON")) is { } on
                ? Evaluating.SeverityNames.TryParse(on, out var severity) ? severity : throw new InvalidOperationException($"--alert-on `{on}` is not critical, major or minor")
                : Evaluating.Severity.Critical,
            PostgresConnection = StoreConnection(config["store"] ?? Environment.GetEnvironmentVariable("PACTS_STORE"), config["connection"] ?? Environment.GetEnvironmentVariable("PACTS_CONNECTION")),
            SigningKeyPath = config["signing-key"] ?? Environment.GetEnvironmentVariable("PACTS_SIGNING_KEY"),
            CheckpointInterval = (config["checkpoint-interval"] ?? Environment.GetEnvironmentVariable("PACTS_CHECKPOINT_INTERVAL")) is { } every
                ? ParseDuration(every) is { } d && d > TimeSpan.Zero && d <= TimeSpan.FromSeconds(60) ? d
                    : throw new InvalidOperationException($"--checkpoint-interval `{every}` is not a duration from 1s to 60s (SPEC §9: at least every 60 s)")
                : TimeSpan.FromSeconds(60),
            AlertRetryDelay = TimeSpan.FromMilliseconds(Int(config, "alert-retry-delay-ms", "PACTS_ALERT_RETRY_DELAY_MS", 1000)),
        };
    }

    private static int Int(IConfiguration config, string key, string env, int fallback) =>
        int.TryParse(config[key] ?? Environment.GetEnvironmentVariable(env), System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
