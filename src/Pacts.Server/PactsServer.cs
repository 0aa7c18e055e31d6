using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace Pacts.Server;

/// <summary>Builds and runs the service; <c>pacts serve</c> and the tests start it through here.</summary>
public static partial class PactsServer
{
    /// <summary>Where the service listens when neither <c>--urls</c> nor <c>PACTS_URLS</c> says (Kestrel's default).</summary>
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>The key under <see cref="HttpContext.Items"/> where ingest leaves what its log line reports.</summary>
    internal const string IngestItem = "pacts.ingest";

    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        ConfigureLogging(builder);
        if ((builder.Configuration["urls"] ?? Environment.GetEnvironmentVariable("PACTS_URLS")) is { } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Services.AddSingleton(sp => ServerOptions.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<ILedgerStore>(sp => sp.GetRequiredService<ServerOptions>().OpenStore());
        // The embedded store itself, for what only it has (its integrity check); asked for under --store postgres, an error.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ILedgerStore>() as SqliteLedgerStore
            ?? throw new InvalidOperationException("the ledger is not the embedded SQLite store"));
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddSingleton<AlertSender>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            Directory.CreateDirectory(sp.GetRequiredService<ServerOptions>().DataDir); // where the key is made when absent
            return LedgerSigner.LoadOrCreate(sp.GetRequiredService<ServerOptions>().SigningKeyFile);
        });
        builder.Services.AddSingleton<CheckpointService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CheckpointService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertSender>());
        builder.Services.AddSingleton<Ingestor>();
        builder.Services.AddSingleton(sp => new PactRegistry(sp.GetRequiredService<ServerOptions>().PactsPath, sp.GetRequiredService<ILogger<PactRegistry>>()));
        builder.Services.AddProblemDetails();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var app = builder.Build();

        // Fail at start, not at the first request, when the pacts or the data directory are unusable, or the ledger
        // file is damaged (a damaged page mid-file would otherwise let the service start and answer 500 later). The
        // quick check reads every page in 0.5 s a million rows; the full one (`ledger verify`) takes 4.4 s.
        _ = app.Services.GetRequiredService<PactRegistry>();
        if (app.Services.GetRequiredService<ILedgerStore>() is SqliteLedgerStore sqlite)
        {
            sqlite.CheckIntegrity(quick: true); // PostgreSQL checks its own pages (and the store connected and migrated on the line above)
        }
        _ = app.Services.GetRequiredService<LedgerSigner>(); // an unreadable key stops the start, not the first checkpoint
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pacts.Server.Requests");
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http).ConfigureAwait(false);
            }
            catch when (!http.Response.HasStarted)
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError; // what the host answers once it has the exception
                throw;
            }
            finally
            {
                LogRequest(requests, http, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.UseRouting();
        // Request counts and latency by route pattern (never the path: /trust/{agentId} would carry agent ids).
        app.UseHttpMetrics(o => o.ConfigureMeasurements(m => m.Registry = metrics.Registry));
        Api.Map(app);
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }

    public static int Run(string[] args)
    {
        try
        {
            Build(args).Run();
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine("pacts: error: " + ex.Message);
            return 2;
        }
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var levelText = builder.Configuration["log-level"] ?? Environment.GetEnvironmentVariable("PACTS_LOG_LEVEL") ?? "information";
        if (!Enum.TryParse<LogLevel>(levelText, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(levelText, out _))
        {
            throw new InvalidOperationException($"log level `{levelText}` is not one of trace, debug, information, warning, error, critical, none");
        }

        var format = builder.Configuration["log-format"] ?? Environment.GetEnvironmentVariable("PACTS_LOG_FORMAT") ?? "json";
        builder.Logging.ClearProviders();
        switch (format.ToLowerInvariant())
        {
            case "json":
                builder.Logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = false;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = TimestampFormat;
                });
                break;
            case "text":
                builder.Logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.IncludeScopes = false;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = TimestampFormat + " ";
                    o.ColorBehavior = LoggerColorBehavior.Disabled;
                });
                break;
            default:
                throw new InvalidOperationException($"log format `{format}` is not json or text");
        }

        builder.Logging.SetMinimumLevel(level);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // the request line below replaces ASP.NET's own
    }

    /// <summary>One line per request. Never headers (keys), never bodies (params values), never the query string.</summary>
    private static void LogRequest(ILogger log, HttpContext http, double ms)
    {
        var latency = Math.Round(ms, 3);
        if (http.Items[IngestItem] is IngestSummary ingest)
        {
            LogIngest(log, http.Request.Method, http.Request.Path.Value ?? "", http.Response.StatusCode, latency, ingest.Accepted, ingest.Rejected, ingest.WorstSeverity ?? "none");
        }
        else
        {
            LogRequest(log, http.Request.Method, http.Request.Path.Value ?? "", http.Response.StatusCode, latency);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {LatencyMs} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double latencyMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {LatencyMs} ms accepted {Accepted} rejected {Rejected} worst {WorstSeverity}")]
    private static partial void LogIngest(ILogger logger, string method, string path, int status, double latencyMs, int accepted, int rejected, string worstSeverity);
}

/// <summary>What an ingest request's log line reports.</summary>
internal sealed record IngestSummary(int Accepted, int Rejected, string? WorstSeverity);
