using System.CommandLine;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts keys add|list|revoke</c>: the service's API keys.</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var ledger = LedgerStoreOpening.Options();
        var description = new Option<string>("--description") { Description = "who or what the key is for", Required = true, HelpName = "TEXT" };
        var agents = new Option<string[]>("--agents")
        {
            Description = "agent ids the key may ingest as and read the trust of: exact ids or prefixes ending in * (default: every agent)",
            HelpName = "PATTERN",
            AllowMultipleArgumentsPerToken = true,
        };
        var add = new Command("add", "Create a key; it is printed once and only its SHA-256 is stored.") { description, agents };
        ledger.AddTo(add);
        add.SetAction(parse =>
        {
            var patterns = parse.GetValue(agents) ?? [];
            if (patterns.Select(p => (Pattern: p, Problem: AgentScope.Problem(p))).FirstOrDefault(x => x.Problem is not null) is { Problem: { } problem } bad)
            {
                return (int)context.Fail($"--agents: agent pattern `{bad.Pattern}`: {problem}");
            }

            var scope = AgentScope.Of(patterns);

            return ledger.WithCreated(context, parse, store =>
            {
                var (key, info) = new KeyStore(store).Add(parse.GetValue(description)!, scope);
                context.Out.WriteLine(key);
                context.Err.WriteLine($"key {info.Id} created for {scope}; store it now, it cannot be shown again");
                return 0;
            });
        });

        var listLedger = LedgerStoreOpening.Options();
        var list = new Command("list", "List keys (id, created, active or revoked, agents, description).");
        listLedger.AddTo(list);
        list.SetAction(parse => listLedger.WithExisting(context, parse, store =>
        {
            foreach (var k in new KeyStore(store).List())
            {
                context.Out.WriteLine($"{k.Id}  {k.Created:u}  {(k.Revoked is null ? "active " : $"revoked {k.Revoked:u}")}  agents: {(k.Agents.IsEveryone ? "*" : string.Join(",", k.Agents.Patterns))}  {k.Description}");
            }

            return 0;
        }));

        var revokeLedger = LedgerStoreOpening.Options();
        var id = new Argument<string>("ID") { Description = "the key id (the part after pk_)" };
        var revoke = new Command("revoke", "Revoke a key by id.") { id };
        revokeLedger.AddTo(revoke);
        revoke.SetAction(parse => revokeLedger.WithExisting(context, parse, store => new KeyStore(store).Revoke(parse.GetValue(id)!)
            ? 0
            : (int)context.Fail($"no active key `{parse.GetValue(id)}`; see `pacts keys list --data DIR`")));

        return new Command("keys", """
            Manage the service's API keys (sent as X-Pact-Key, or Authorization: Bearer).

            Examples:
              pacts keys add --data ./data --description "atlas agent"
              pacts keys add --data ./data --description "team a's agents" --agents "team-a/*" atlas
              PACTS_CONNECTION="Host=db;Database=pacts;Username=pacts" pacts keys add --store postgres --description "fleet"
            """)
        {
            add, list, revoke,
        };
    }
}
