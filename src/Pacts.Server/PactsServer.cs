namespace Pacts.Server;

/// <summary>Builds and runs the service; <c>pacts serve</c> and the tests start it through here.</summary>
public static class PactsServer
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // no log line per request on the hot path
        var urls = builder.Configuration["urls"] ?? Environment.GetEnvironmentVariable("PACTS_URLS");
        if (urls is not null)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Services.AddSingleton(sp => ServerOptions.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => new Ledger(sp.GetRequiredService<ServerOptions>().DataDir));
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton(sp => new PactRegistry(sp.GetRequiredService<ServerOptions>().PactsPath, sp.GetRequiredService<ILogger<PactRegistry>>()));
        builder.Services.AddProblemDetails();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var app = builder.Build();

        // Fail at start, not at the first request, when the pacts or the data directory are unusable.
        _ = app.Services.GetRequiredService<PactRegistry>();
        _ = app.Services.GetRequiredService<Ledger>();
        Api.Map(app);
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
}
