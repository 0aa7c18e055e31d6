using Pacts.Replay;

namespace Pacts.Tests;

public class SessionBindingTests
{
    [Fact]
    public void A_call_binds_to_its_own_pact_else_to_its_sessions_latest_start()
    {
        var sessions = new SessionBinding();
        sessions.Start("s1", "treasury-pact");
        Assert.True(sessions.TryBind(null, "s1", out var pact));
        Assert.Equal("treasury-pact", pact);
        Assert.True(sessions.TryBind("other-pact", "s1", out pact));
        Assert.Equal("other-pact", pact);

        sessions.Start("s1", "second-pact");
        Assert.Equal("second-pact", sessions.PactOf(null, "s1"));
        sessions.Start("s1", null); // a later start naming no pact leaves the session's calls unevaluated
        Assert.True(sessions.TryBind(null, "s1", out pact));
        Assert.Null(pact);
    }

    [Fact]
    public void A_session_never_started_is_not_decided_here()
    {
        var sessions = new SessionBinding();
        Assert.False(sessions.TryBind(null, "s9", out var pact));
        Assert.Null(pact);
        Assert.True(sessions.TryBind("own-pact", "s9", out pact)); // its own id needs no session
        Assert.Equal("own-pact", pact);
    }

    [Fact]
    public void Ended_sessions_keep_their_pact_up_to_the_capacity_oldest_forgotten_first()
    {
        var sessions = new SessionBinding(endedCapacity: 2);
        foreach (var s in new[] { "a", "b", "c" })
        {
            sessions.Start(s, $"{s}-pact");
            sessions.End(s);
        }

        Assert.False(sessions.TryBind(null, "a", out _));
        Assert.Equal("b-pact", sessions.PactOf(null, "b"));
        Assert.Equal("c-pact", sessions.PactOf(null, "c"));

        sessions.Start("b", "again-pact"); // reopened: the new start wins over the remembered one
        Assert.Equal("again-pact", sessions.PactOf(null, "b"));
        sessions.End("b");
        Assert.Equal("again-pact", sessions.PactOf(null, "b"));
        sessions.End("never-started"); // nothing to remember
        Assert.False(sessions.TryBind(null, "never-started", out _));
    }

    [Fact]
    public void The_remembered_last_session_never_outlives_a_change()
    {
        // Replay hands the same string instance for a run of one session's events; the shortcut must see restarts.
        var id = "s1";
        var sessions = new SessionBinding(endedCapacity: 1);
        sessions.Start(id, "first");
        Assert.Equal("first", sessions.PactOf(null, id));
        sessions.Start(id, "second");
        Assert.Equal("second", sessions.PactOf(null, id));
        sessions.End(id);
        sessions.Start("s2", "other");
        sessions.End("s2"); // s1 is pushed out of the ended set
        Assert.Null(sessions.PactOf(null, id));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void With_room_for_every_ended_session_it_agrees_with_the_rule_as_SPEC_words_it(int seed)
    {
        // SPEC §6 read literally: the pactId of the latest earlier session_start of the session, over the whole log.
        var random = new Random(seed);
        var sessions = new SessionBinding();
        var latestStart = new Dictionary<string, string?>(StringComparer.Ordinal);
        string?[] pacts = [null, "p1", "p2"];
        for (var i = 0; i < 2000; i++)
        {
            var session = $"s{random.Next(8)}";
            switch (random.Next(3))
            {
                case 0:
                    var pact = pacts[random.Next(pacts.Length)];
                    sessions.Start(session, pact);
                    latestStart[session] = pact;
                    break;
                case 1:
                    sessions.End(session);
                    break;
                default:
                    var own = random.Next(4) == 0 ? "own" : null;
                    var decided = sessions.TryBind(own, session, out var bound);
                    Assert.Equal(own ?? latestStart.GetValueOrDefault(session), bound);
                    Assert.Equal(own is not null || latestStart.ContainsKey(session), decided);
                    break;
            }
        }
    }
}
