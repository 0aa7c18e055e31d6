using System.CommandLine;
using Pacts.Server;

namespace Pacts.Cli.Commands;

/// <summary><c>pacts serve</c>: the ingest and pre-flight HTTP service.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var pacts = new Option<string>("--pacts") { Description = "pact directory, watched for changes (env PACTS_PACTS)", HelpName = "DIR" };
        var data = new Option<string>("--data") { Description = "data directory: the sqlite ledger and keys, the signing key and checkpoint.json (env PACTS_DATA)", HelpName = "DIR" };
        var store = new Option<string>("--store") { Description = "sqlite (default: the ledger in --data) or postgres: one ledger shared by every instance on the database (env PACTS_STORE)", HelpName = "STORE" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string>("--connection") { Description = "with --store postgres: the Npgsql connection string (env PACTS_CONNECTION keeps a password off the command line)", HelpName = "STRING" };
        var urls = new Option<string>("--urls") { Description = $"where to listen, ';'-separated (env PACTS_URLS; default {PactsServer.DefaultUrl})", HelpName = "URL" };
        var logLevel = new Option<string>("--log-level") { Description = "trace, debug, information (default), warning, error, critical or none (env PACTS_LOG_LEVEL)", HelpName = "LEVEL" };
        var logFormat = new Option<string>("--log-format") { Description = "json (default: one JSON object a line) or text (env PACTS_LOG_FORMAT)", HelpName = "FORMAT" };
        logFormat.AcceptOnlyFromAmong("json", "text");
        var maxClockSkew = new Option<string>("--max-clock-skew")
        {
            Description = "how far after its arrival a tool call's attemptedAt may lie (default 5m; env PACTS_MAX_CLOCK_SKEW): later ones are rejected, so no client moves a budget's clock into the future",
            HelpName = "DURATION",
        };
        var signingKey = new Option<string>("--signing-key")
        {
            Description = "the key that signs checkpoints and trust answers (ECDSA P-256, PEM; env PACTS_SIGNING_KEY; default signing-key.pem in --data, made when absent)",
            HelpName = "FILE",
        };
        var checkpointInterval = new Option<string>("--checkpoint-interval") { Description = "how often the ledger's head is signed, at most 60s (default; env PACTS_CHECKPOINT_INTERVAL)", HelpName = "DURATION" };
        var alertWebhook = new Option<string>("--alert-webhook")
        {
            Description = "POST an Alertmanager-style alert here for every ingested call with a violation at or above --alert-on, retried with backoff, never delaying ingest (env PACTS_ALERT_WEBHOOK)",
            HelpName = "URL",
        };
        var alertOn = new Option<string>("--alert-on") { Description = "the lowest severity that alerts: critical (default), major or minor (env PACTS_ALERT_ON)", HelpName = "SEV" };
        alertOn.AcceptOnlyFromAmong("critical", "major", "minor");
        var command = new Command("serve", $"""
            Run the ingest and pre-flight HTTP service (SPEC §9) with a hash-chained ledger.
            Listens on {PactsServer.DefaultUrl} unless --urls or PACTS_URLS says otherwise. The ledger file is
            checked (SQLite's quick_check) at start; a damaged one, or a PostgreSQL that cannot be reached, stops
            the service with exit 2.
            Logs go to stdout, one line per request, every line with an ISO 8601 UTC timestamp.

            Environment (the command line wins):
              PACTS_PACTS, PACTS_DATA, PACTS_URLS   as --pacts, --data, --urls
              PACTS_STORE, PACTS_CONNECTION         as --store, --connection
              PACTS_LOG_LEVEL, PACTS_LOG_FORMAT     as --log-level, --log-format
              PACTS_MAX_EVENTS                      events per ingest batch (default 1000; more is 413)
              PACTS_MAX_BODY_BYTES                  request body size (default 4194304; more is 413)
              PACTS_MAX_PARAM_DEPTH                 how deep params may nest (default and most 64)
              PACTS_MAX_CLOCK_SKEW                  as --max-clock-skew
              PACTS_ALERT_WEBHOOK, PACTS_ALERT_ON   as --alert-webhook, --alert-on
              PACTS_SIGNING_KEY, PACTS_CHECKPOINT_INTERVAL   as --signing-key, --checkpoint-interval
              PACTS_ALERT_RETRY_DELAY_MS            an undelivered alert's first retry delay (default 1000; doubles, jittered, to 1 min)

            Example:
              pacts keys add --data ./data --description "atlas agent"
              pacts serve --pacts ./pacts --data ./data --urls http://127.0.0.1:8080
              PACTS_CONNECTION="Host=db;Database=pacts;Username=pacts;Password=…" \
                pacts serve --pacts ./pacts --data ./state --store postgres --signing-key shared.pem
            """)
        {
            pacts, data, store, connection, urls, logLevel, logFormat, maxClockSkew, signingKey, checkpointInterval, alertWebhook, alertOn,
        };
        command.SetAction(parse =>
        {
            var args = new List<string>();
            Add(args, "--pacts", parse.GetValue(pacts));
            Add(args, "--data", parse.GetValue(data));
            Add(args, "--store", parse.GetValue(store));
            Add(args, "--connection", parse.GetValue(connection));
            Add(args, "--urls", parse.GetValue(urls));
            Add(args, "--log-level", parse.GetValue(logLevel));
            Add(args, "--log-format", parse.GetValue(logFormat));
            Add(args, "--max-clock-skew", parse.GetValue(maxClockSkew));
            Add(args, "--signing-key", parse.GetValue(signingKey));
            Add(args, "--checkpoint-interval", parse.GetValue(checkpointInterval));
            Add(args, "--alert-webhook", parse.GetValue(alertWebhook));
            Add(args, "--alert-on", parse.GetValue(alertOn));
            return PactsServer.Run([.. args]);
        });
        return command;
    }

    private static void Add(List<string> args, string name, string? value)
    {
        if (value is not null)
        {
            args.Add(name);
            args.Add(value);
        }
    }
}
