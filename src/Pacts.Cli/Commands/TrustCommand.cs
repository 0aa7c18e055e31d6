using System.CommandLine;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts trust show|verify</c>: an agent's trust read from the ledger, and a counterparty's offline check of a trust answer's <c>Pacts-Signature</c>.</summary>
internal static class TrustCommand
{
    public static Command Create(CliContext context)
    {
        var publicKey = new Option<string>("--public-key") { Description = "the service's public key (PEM, from `pacts ledger public-key`)", HelpName = "FILE", Required = true };
        var signature = new Option<string>("--signature") { Description = "the answer's Pacts-Signature header: es256;KEYID;BASE64", HelpName = "VALUE", Required = true };
        var body = new Argument<string>("BODY") { Description = "the answer's body exactly as received (a file, or - for stdin)", DefaultValueFactory = _ => "-" };
        var verify = new Command("verify", """
            Check that a trust answer (GET /api/v1/trust/{agentId}) is the service's, byte for byte: its Pacts-Signature
            header against the service's public key. Exit codes: 0 signed by that key, 1 not, 2 error.

            Example:
              curl -s -D headers.txt -o trust.json -H "X-Pact-Key: $KEY" https://pacts.example/api/v1/trust/atlas
              pacts trust verify --public-key ledger.pub --signature "$(sed -n 's/^Pacts-Signature: //Ip' headers.txt | tr -d '\r')" trust.json
            """)
        {
            publicKey, signature, body,
        };
        verify.SetAction(parse =>
        {
            var keyPath = parse.GetValue(publicKey)!;
            var bodyPath = parse.GetValue(body)!;
            byte[] bytes;
            LedgerKey key;
            try
            {
                bytes = bodyPath == "-" ? ReadAll(Console.OpenStandardInput()) : File.ReadAllBytes(bodyPath);
                key = LedgerKey.FromFile(keyPath); // last: nothing to dispose when the body cannot be read
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                return (int)context.Fail(ex.Message);
            }

            using (key)
            {
                var header = parse.GetValue(signature)!;
                if (key.VerifyBody(bytes, header))
                {
                    context.Out.WriteLine($"trust answer signed by key {key.KeyId}");
                    return 0;
                }

                var parts = header.Split(';');
                context.Out.WriteLine(parts.Length != 3 ? "not signed: the signature is not es256;KEYID;BASE64"
                    : parts[1].Trim() != key.KeyId ? $"not signed by this key: the answer names key {parts[1].Trim()}, the file holds {key.KeyId}"
                    : "not signed: the body differs from the one signed, or the signature was altered");
                return (int)ExitCode.Findings;
            }
        });

        var ledger = LedgerStoreOpening.Options();
        var agent = new Argument<string>("AGENT") { Description = "the agent id, as sent in its events" };
        var show = new Command("show", """
            Print an agent's trust answer read straight from the ledger (--data DIR, or --store postgres): the body
            GET /api/v1/trust/{agentId} answers, unsigned. Exit codes: 0 shown, 1 no events of that agent, 2 error.
            """)
        {
            agent,
        };
        ledger.AddTo(show);
        show.SetAction(parse => ledger.WithExisting(context, parse, store =>
        {
            var id = parse.GetValue(agent)!;
            if (store.TrustAsync(id).GetAwaiter().GetResult() is not { } trust)
            {
                context.Err.WriteLine($"no events recorded for agent `{id}`");
                return (int)ExitCode.Findings;
            }

            var head = store.HeadAsync().GetAwaiter().GetResult();
            context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(Api.TrustAnswer(id, trust, head, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))));
            return 0;
        }));

        return new Command("trust", "Read an agent's trust from the ledger, or check a trust answer offline.") { show, verify };
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
