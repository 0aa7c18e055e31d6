namespace Pacts.Server;

/// <summary>Entry point of the standalone service (also what the API tests host).</summary>
public partial class Program
{
    public static int Main(string[] args) => PactsServer.Run(args);
}
