using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pacts.Server.Tests;

public sealed class LoggingTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("pacts-log-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Pacts.Testing.Shared.TempDirs.Remove(_data);
    }

    private string[] Args(params string[] more) => ["--pacts", Pacts.Testing.Shared.RepoPaths.ExamplePacts, "--data", _data, .. more];

    [Theory]
    [InlineData("warning", false)]
    [InlineData("Information", true)]
    [InlineData("debug", true)]
    public async Task The_log_level_decides_whether_requests_are_logged(string level, bool logged)
    {
        await using var app = PactsServer.Build(Args("--log-level", level));
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pacts.Server.Requests");
        Assert.Equal(logged, log.IsEnabled(LogLevel.Information));
    }

    [Theory]
    [InlineData("--log-level", "loud", "log level `loud` is not one of")]
    [InlineData("--log-level", "3", "log level `3` is not one of")]
    [InlineData("--log-format", "xml", "log format `xml` is not json or text")]
    public void A_bad_log_setting_is_refused_at_start(string option, string value, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PactsServer.Build(Args(option, value)));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }
}
