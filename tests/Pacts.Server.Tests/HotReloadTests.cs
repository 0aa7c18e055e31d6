namespace Pacts.Server.Tests;

public class HotReloadTests
{
    [Fact]
    public async Task A_changed_pact_that_compiles_replaces_the_old_one_and_a_broken_one_does_not()
    {
        var dir = Directory.CreateTempSubdirectory("pacts-reload-").FullName;
        try
        {
            var file = Path.Combine(dir, "p.yaml");
            File.WriteAllText(file, "pact: p\nversion: 1\nbindings: []\n");
            using var registry = new PactRegistry(dir, Microsoft.Extensions.Logging.Abstractions.NullLogger<PactRegistry>.Instance);
            var before = registry.Current;
            Assert.Equal(1, before.Find("p")!.Version);

            File.WriteAllText(file, "pact: p\nversion: 2\nbindings: []\n");
            await WaitFor(() => registry.Current.Find("p")!.Version == 2);
            Assert.Equal(1, before.Find("p")!.Version); // a request holding the old set finishes on it

            File.WriteAllText(file, "pact: p\nversion: 3\nbindings: [\n");
            await Task.Delay(1000);
            Assert.False(registry.Reload());
            Assert.Equal(2, registry.Current.Find("p")!.Version);
        }
        finally
        {
            Pacts.Testing.Shared.TempDirs.Remove(dir);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the pact set was not reloaded within 5 s");
    }
}
