// A small agent with two guarded tools under the bundled treasury pact.
// Run from the repository root: dotnet run --project examples/dotnet-agent
// It writes its telemetry to agent-events.jsonl; then: pacts replay agent-events.jsonl --pacts examples/pacts
using Pacts;
using Pacts.Agent;
using Pacts.Evaluating;

var pacts = PactSet.Load("examples/pacts");
var treasury = pacts.Find("treasury-pact") ?? throw new InvalidOperationException("run from the repository root");
const string Session = "demo-session-1";
const string Agent = "demo-agent";

using var sink = new JsonlFileSink("agent-events.jsonl");
await using var telemetry = new TelemetryClient(sink);
var guard = new PactGuard(new LocalValidator(treasury), telemetry, new GuardOptions { SessionId = Session, AgentId = Agent });

// The tools themselves know nothing about pacts; the guard wraps them.
var getBalance = guard.Wrap<BalanceRequest, decimal>("get_balance", (request, _) => Task.FromResult(125_000.00m));
var transfer = guard.Wrap<TransferRequest, string>("transfer_funds", (request, _) => Task.FromResult($"tx-{Guid.NewGuid():N}"[..11]));

telemetry.SessionStart(Session, Agent, treasury.Id);
Console.WriteLine($"balance: {await getBalance(new BalanceRequest("0xA11A000000000000000000000000000000000001"), CancellationToken.None):N2} USDC");

var allowed = new TransferRequest("0xB22B000000000000000000000000000000000002", 1200.50m, "USDC", "payroll Nov");
Console.WriteLine($"allowed transfer of {allowed.Amount} to payroll: {await transfer(allowed, CancellationToken.None)}");

var refused = new TransferRequest("0xEEEE000000000000000000000000000000000666", 7500m, "USDC", "urgent vendor payment");
try
{
    await transfer(refused, CancellationToken.None);
    Console.WriteLine("refused transfer ran: this should not happen");
}
catch (PactViolationException ex)
{
    Console.WriteLine($"refused transfer of {refused.Amount} to {refused.Destination[..10]}...: never ran");
    foreach (var v in ex.Verdict.Violations)
    {
        Console.WriteLine($"  {v.Severity.ToName(),-8} {v.ParamPath,-12} {v.Rule,-10} {v.Message}");
    }
}

telemetry.SessionEnd(Session, Agent, "success");
await telemetry.FlushAsync();
Console.WriteLine("telemetry written to agent-events.jsonl; replay it with: pacts replay agent-events.jsonl --pacts examples/pacts");

internal sealed record BalanceRequest(string Wallet);

internal sealed record TransferRequest(string Destination, decimal Amount, string Currency, string Memo);
