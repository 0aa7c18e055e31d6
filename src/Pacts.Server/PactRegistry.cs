namespace Pacts.Server;

/// <summary>
/// The pact set the service validates against. Swapped atomically: a request reads <see cref="Current"/>
/// once and finishes on that set. The directory is watched; a change that compiles replaces the set, one
/// that does not keeps the old set serving and logs the diagnostics. SIGHUP reloads too (SPEC §9), the way to reload a
/// single pact file, which is not watched.
/// </summary>
public sealed partial class PactRegistry : IDisposable
{
    private readonly string _path;
    private readonly ILogger<PactRegistry> _log;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private readonly System.Runtime.InteropServices.PosixSignalRegistration? _hangup;
    private PactSet _current;

    public PactRegistry(string path, ILogger<PactRegistry> log)
    {
        _path = path;
        _log = log;
        var set = PactSet.Load(path);
        if (set.HasErrors)
        {
            throw new InvalidOperationException($"the pacts under {path} do not load: " + string.Join("; ", set.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error)));
        }

        _current = set;
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (Directory.Exists(path))
        {
            _watcher = new FileSystemWatcher(path) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            _watcher.Changed += (_, _) => Schedule();
            _watcher.Created += (_, _) => Schedule();
            _watcher.Deleted += (_, _) => Schedule();
            _watcher.Renamed += (_, _) => Schedule();
        }

        if (!OperatingSystem.IsWindows())
        {
            _hangup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true; // reload, do not stop
                Schedule();
            });
        }
    }

    public PactSet Current => Volatile.Read(ref _current);

    /// <summary>Reloads now; returns false (keeping the old set) when the new files do not compile.</summary>
    public bool Reload()
    {
        var set = PactSet.Load(_path);
        if (set.HasErrors)
        {
            foreach (var d in set.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error))
            {
                LogRejected(_log, d.ToString());
            }

            return false;
        }

        Volatile.Write(ref _current, set);
        var loaded = string.Join(", ", set.Pacts.Select(p => $"{p.Id}@{p.Version}"));
        LogReloaded(_log, loaded);

        return true;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _hangup?.Dispose();
        _debounce.Dispose();
    }

    private void Schedule() => _debounce.Change(200, Timeout.Infinite);

    [LoggerMessage(Level = LogLevel.Error, Message = "pact reload rejected, old pacts keep serving: {Diagnostic}")]
    private static partial void LogRejected(ILogger logger, string diagnostic);

    [LoggerMessage(Level = LogLevel.Information, Message = "pacts reloaded: {Pacts}")]
    private static partial void LogReloaded(ILogger logger, string pacts);
}
