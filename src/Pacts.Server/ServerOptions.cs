namespace Pacts.Server;

/// <summary>
/// Service settings. Each comes from the command line (<c>--pacts</c>, <c>--data</c>, <c>--urls</c>) or the
/// environment (<c>PACTS_PACTS</c>, <c>PACTS_DATA</c>, <c>PACTS_URLS</c>, <c>PACTS_MAX_EVENTS</c>,
/// <c>PACTS_MAX_BODY_BYTES</c>, <c>PACTS_MAX_PARAM_DEPTH</c>); the command line wins.
/// </summary>
public sealed record ServerOptions(string PactsPath, string DataDir, int MaxEventsPerBatch = 1000, long MaxBodyBytes = 4 * 1024 * 1024, int MaxParamDepth = Pact.MaxParamsDepth)
{
    public static ServerOptions From(IConfiguration config)
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
            Math.Min(Int(config, "max-param-depth", "PACTS_MAX_PARAM_DEPTH", Pact.MaxParamsDepth), Pact.MaxParamsDepth));
    }

    private static int Int(IConfiguration config, string key, string env, int fallback) =>
        int.TryParse(config[key] ?? Environment.GetEnvironmentVariable(env), System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
