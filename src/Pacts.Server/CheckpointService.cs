namespace Pacts.Server;

/// <summary>
/// Signs the ledger's head (SPEC §9 <i>Checkpoints</i>) at start, every <see cref="ServerOptions.CheckpointInterval"/>
/// (60 s by default) and on shutdown, keeping the latest for <c>GET /api/v1/ledger/checkpoint</c> and writing it to
/// <c>checkpoint.json</c> in the data directory (replaced atomically), where an operator can copy it out.
/// </summary>
public sealed partial class CheckpointService(ServerOptions options, ILedgerStore store, LedgerSigner signer, TimeProvider time, ILogger<CheckpointService> log) : BackgroundService
{
    /// <summary>The file in the data directory that holds the latest checkpoint.</summary>
    public const string FileName = "checkpoint.json";

    private readonly SemaphoreSlim _signing = new(1, 1);
    private Checkpoint? _latest;

    /// <summary>The latest checkpoint, signing one now when there is none yet.</summary>
    public async Task<Checkpoint> LatestAsync(CancellationToken ct = default)
    {
        return Volatile.Read(ref _latest) ?? await SignAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Signs the head as it is now.</summary>
    public async Task<Checkpoint> SignAsync(CancellationToken ct = default)
    {
        // One signing at a time (the timer, a request, shutdown), so the file always holds the newest checkpoint whole.
        await _signing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (seq, hash) = await store.HeadAsync(ct).ConfigureAwait(false);
            var checkpoint = signer.Sign(seq, hash, time.GetUtcNow());
            Volatile.Write(ref _latest, checkpoint);

            var path = Path.Combine(options.DataDir, FileName);
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, checkpoint.ToJson() + "\n", ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            return checkpoint;
        }
        finally
        {
            _signing.Release();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _signing.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var last = await SignAsync(CancellationToken.None).ConfigureAwait(false);
            LogSigned(log, last.Seq, last.Hash, "shutdown");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            LogFailed(log, ex.Message);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckpointInterval, time);
        do
        {
            try
            {
                var c = await SignAsync(stoppingToken).ConfigureAwait(false);
                LogSigned(log, c.Seq, c.Hash, "interval");
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                LogFailed(log, ex.Message); // tried again at the next tick
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "checkpoint signed at {Seq}:{Hash} ({Why})")]
    private static partial void LogSigned(ILogger logger, long seq, string hash, string why);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "checkpoint not signed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
