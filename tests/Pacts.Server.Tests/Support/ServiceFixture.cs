using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Pacts.Server.Tests;

/// <summary>A service over the example pacts and a fresh data directory, with one API key.</summary>
public sealed class ServiceFixture : IDisposable
{
    public ServiceFixture()
    {
        DataDir = Directory.CreateTempSubdirectory("pacts-serve-").FullName;
        PactsDir = Pacts.Testing.Shared.RepoPaths.ExamplePacts;
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("pacts", PactsDir);
            b.UseSetting("data", DataDir);
        });
        Key = Factory.Services.GetRequiredService<KeyStore>().Add("tests").Key;
    }

    public string DataDir { get; }

    public string PactsDir { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public string Key { get; }

    public HttpClient Client(bool withKey = true)
    {
        var c = Factory.CreateClient();
        if (withKey)
        {
            c.DefaultRequestHeaders.Add("X-Pact-Key", Key);
        }

        return c;
    }

    public void Dispose()
    {
        Factory.Dispose();
        SqliteConnection.ClearAllPools();
        Pacts.Testing.Shared.TempDirs.Remove(DataDir);
    }
}
