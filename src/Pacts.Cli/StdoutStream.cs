using System.Runtime.InteropServices;

namespace Pacts.Cli;

/// <summary>
/// Standard output as a plain write-only stream over file descriptor 1, written with <c>write(2)</c>.
/// </summary>
/// <remarks>
/// Two streams .NET offers over fd 1 each break a shell script in its own way:
/// <list type="bullet">
/// <item>its console stream drops a write to a closed pipe without a word (EPIPE), so `pacts replay --verdicts - |
/// consumer` whose consumer had died read the whole log on for nobody and exited 0;</item>
/// <item>a <see cref="FileStream"/> over the descriptor writes a seekable file with <c>pwrite</c> at a position of its
/// own, starting at 0, and never moves the descriptor's offset, which the shell shares: <c>{ echo before; pacts
/// --version; echo after; } &gt; f</c> left <c>before</c>, <c>after</c> and a clobbered version line.</item>
/// </list>
/// <c>write(2)</c> writes where the shared offset is (or at the end under <c>&gt;&gt;</c>) and advances it, for files,
/// pipes and terminals alike, and reports EPIPE and ENOSPC as errors, which this stream throws as
/// <see cref="IOException"/>. .NET ignores SIGPIPE, so a closed pipe is an error return, not a signal.
/// </remarks>
internal sealed partial class StdoutStream : Stream
{
    private const int StdoutFd = 1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var written = SysWrite(StdoutFd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
            if (written >= 0)
            {
                buffer = buffer[(int)written..];
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
            {
                continue;
            }

            if (errno == EAGAIN)
            {
                // A non-blocking descriptor handed to us by the parent: wait for room rather than lose output.
                Thread.Sleep(1);
                continue;
            }

            throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
        }
    }

    public override void Flush()
    {
        // Nothing is held here: every Write is handed to the kernel before it returns (the writer above buffers).
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint SysWrite(int fd, ref byte buffer, nuint count);
}
