using System.Text;

namespace Pacts.Events;

/// <summary>
/// Per tool, the pact its calls bound to last, and whether the call before bound to it too: replay's guess of
/// which pact the next call of a tool will bind to, so its params can be judged while the line is scanned (see
/// <see cref="EventScanner"/>). Written by the one thread that binds calls (<see cref="Expect"/>), read by the
/// threads that scan lines ahead of it: every entry is immutable and published whole, so a reader sees an old
/// guess or a new one, never half of one. A guess is only a guess: a verdict reached with it is kept only if
/// the call binds to that very pact.
/// </summary>
internal sealed class CallGuesses
{
    /// <summary>How many tools keep a guess; past that, the oldest guess gives way.</summary>
    public const int Capacity = 16;

    private readonly Guess?[] _slots = new Guess?[Capacity];
    private int _count;
    private int _nextEvicted;

    /// <summary>
    /// Tells the guesses which pact a call of <paramref name="tool"/> bound to. Once two calls of a tool in a row
    /// bound to one pact, the next calls of that tool are judged against it while they are scanned. Keyed by tool,
    /// not session, so interleaved sessions of one fleet keep it; a tool whose calls alternate between pacts is
    /// never guessed. Allocates only when a tool's guess changes.
    /// </summary>
    public void Expect(string tool, Pact pact)
    {
        for (var i = 0; i < _count; i++)
        {
            var g = _slots[i]!;
            if (ReferenceEquals(g.ToolName, tool) || g.ToolName == tool)
            {
                var confirmed = ReferenceEquals(g.Pact, pact);
                if (!(confirmed && g.Confirmed))
                {
                    Volatile.Write(ref _slots[i], new Guess(g.Tool, tool, pact, confirmed));
                }

                return;
            }
        }

        var fresh = new Guess(Encoding.UTF8.GetBytes(tool), tool, pact, Confirmed: false);
        if (_count < Capacity)
        {
            Volatile.Write(ref _slots[_count], fresh);
            Volatile.Write(ref _count, _count + 1); // after the slot, so a reader never meets an empty one
        }
        else
        {
            Volatile.Write(ref _slots[_nextEvicted++ % Capacity], fresh);
        }
    }

    /// <summary>The confirmed guess for a tool written as <paramref name="tool"/> (UTF-8, unescaped), if any.</summary>
    public Guess? Confirmed(ReadOnlySpan<byte> tool)
    {
        var count = Volatile.Read(ref _count);
        for (var i = 0; i < count; i++)
        {
            var g = Volatile.Read(ref _slots[i])!;
            if (g.Confirmed && tool.SequenceEqual(g.Tool))
            {
                return g;
            }
        }

        return null;
    }

    /// <summary>One tool's guess.</summary>
    /// <param name="Tool">The tool name in UTF-8, as a log writes it unescaped.</param>
    /// <param name="ToolName">The tool name.</param>
    /// <param name="Pact">The pact its last call bound to.</param>
    /// <param name="Confirmed">Whether the call before bound to it too.</param>
    internal sealed record Guess(byte[] Tool, string ToolName, Pact Pact, bool Confirmed);
}
