using Pacts.Diagnostics;
using Pacts.Text;

namespace Pacts.Files;

/// <summary>
/// The files under the paths a user names (pact sets, pact test files), in a stable order. Directories are searched
/// recursively, with three rules a pact directory in the wild needs:
/// <list type="bullet">
/// <item>entries whose name starts with a dot are skipped (<c>.git</c>, editors' swap files, and Kubernetes'
/// <c>..data</c> and timestamped directories behind a mounted ConfigMap, whose visible files are links into them);</item>
/// <item>a file reached by several paths (links, or overlapping paths given) is taken once, at its first path in
/// ordinal order, so one file is never two pacts with the same id;</item>
/// <item>linked directories are followed, each real directory once, so a link cycle ends.</item>
/// </list>
/// A file named on its own is taken as it is. A directory that cannot be read is a diagnostic, not a silent gap.
/// </summary>
internal static class SourceFiles
{
    private const int MaxLinkHops = 40;

    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, // on Unix, dot-names are Hidden
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    public static IReadOnlyList<string> Find(IEnumerable<string> paths, Func<string, bool> wanted, ICollection<Diagnostic> problems)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(problems);
        var files = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal); // real paths
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Walk(path, problems).Where(wanted).Order(StringComparer.Ordinal))
                {
                    if (taken.Add(RealPath(file)))
                    {
                        files.Add(file);
                    }
                }
            }
            else if (File.Exists(path))
            {
                if (taken.Add(RealPath(path)))
                {
                    files.Add(path);
                }
            }
            else
            {
                problems.Add(new Diagnostic(DiagnosticCodes.Io, DiagnosticSeverity.Error, new SourceSpan(path, 1, 1),
                    "no such file or directory", "check the path"));
            }
        }

        return files;
    }

    private static List<string> Walk(string root, ICollection<Diagnostic> problems)
    {
        var found = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal); // real paths of directories read
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var dir))
        {
            if (!visited.Add(RealPath(dir)))
            {
                continue;
            }

            try
            {
                found.AddRange(Directory.EnumerateFiles(dir, "*", Options));
                foreach (var sub in Directory.EnumerateDirectories(dir, "*", Options))
                {
                    pending.Push(sub);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(new Diagnostic(DiagnosticCodes.Io, DiagnosticSeverity.Error, new SourceSpan(dir, 1, 1),
                    $"cannot read the directory: {ex.Message}", "check its permissions"));
            }
        }

        return found;
    }

    /// <summary>The path with every link along it resolved (at most <see cref="MaxLinkHops"/> hops, then as far as it got).</summary>
    internal static string RealPath(string path)
    {
        var hops = 0;
        return Resolve(Path.GetFullPath(path), ref hops);
    }

    private static string Resolve(string full, ref int hops)
    {
        var root = Path.GetPathRoot(full) ?? "";
        var result = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null;
            }

            // A link's target may hold links itself: resolve it whole, relative to the link's directory.
            result = target is null || ++hops > MaxLinkHops ? next : Resolve(Path.GetFullPath(Path.Combine(result, target)), ref hops);
        }

        return result;
    }
}
