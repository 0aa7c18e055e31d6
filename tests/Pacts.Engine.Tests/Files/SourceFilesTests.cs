namespace Pacts.Tests;

public sealed class SourceFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pacts-files-").FullName;

    private static readonly string Pact = File.ReadAllText(Path.Combine(SharedPaths.Bench, "treasury.pact.yaml"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string? text = null)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text ?? Pact);
        return path;
    }

    private string Relative(string path) => Path.GetRelativePath(_root, path);

    [Fact]
    public void A_Kubernetes_ConfigMap_mount_is_one_pact_per_key_not_three()
    {
        // kubelet's layout: the data in a timestamped directory, `..data` linking to it, each key a link through it.
        Write("..2026_12_01_10_00_00.123/treasury.pact.yaml");
        Write("..2026_12_01_10_00_00.123/treasury.test.yaml", "pact: treasury-pact\ncases: []\n");
        Directory.CreateSymbolicLink(Path.Combine(_root, "..data"), "..2026_12_01_10_00_00.123");
        File.CreateSymbolicLink(Path.Combine(_root, "treasury.pact.yaml"), "..data/treasury.pact.yaml");
        File.CreateSymbolicLink(Path.Combine(_root, "treasury.test.yaml"), "..data/treasury.test.yaml");

        var set = PactSet.Load(_root);
        Assert.False(set.HasErrors, string.Join("\n", set.Diagnostics));
        Assert.Equal(["treasury.pact.yaml"], PactSet.FindFiles([_root], []).Select(Relative));
        Assert.Equal(["treasury.test.yaml"], Testing.PactTestRunner.FindFiles([_root], []).Select(Relative));
    }

    [Fact]
    public void A_link_cycle_ends_and_each_file_is_taken_once()
    {
        Write("a/treasury.pact.yaml");
        Directory.CreateSymbolicLink(Path.Combine(_root, "a", "back"), _root);
        Directory.CreateSymbolicLink(Path.Combine(_root, "again"), Path.Combine(_root, "a"));
        Assert.Equal([Path.Combine("a", "treasury.pact.yaml")], PactSet.FindFiles([_root], []).Select(Relative));
        Assert.False(PactSet.Load(_root).HasErrors);
    }

    [Fact]
    public void Dot_entries_are_skipped_unless_named_and_overlapping_paths_give_each_file_once()
    {
        var visible = Write("p/treasury.pact.yaml");
        Write(".git/treasury.pact.yaml");
        var hidden = Write("p/.treasury.pact.yaml");
        Assert.Equal([visible], PactSet.FindFiles([_root], []));
        Assert.Equal([visible], PactSet.FindFiles([_root, Path.Combine(_root, "p"), visible], []));
        Assert.Equal([hidden], PactSet.FindFiles([hidden], []));
    }
}
