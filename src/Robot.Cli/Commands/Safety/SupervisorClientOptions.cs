using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using Robot.Safety.Supervisor;

namespace Robot.Cli.Commands.Safety;

/// <summary>Options and helpers the supervisor client verbs share.</summary>
internal static class SupervisorClientOptions
{
    public static Option<string> Supervisor() => new("--supervisor") { Description = "Supervisor address.", DefaultValueFactory = _ => SupervisorConstants.DefaultUrl };

    public static Option<string> Role() => new("--role") { Description = "Role to claim on an insecure (loopback) supervisor, e.g. safety-engineer; with mTLS the certificate decides." };

    public static GrpcChannel Channel(string address) => GrpcChannel.ForAddress(address);

    /// <summary>Every call gets a deadline.</summary>
    public static DateTime Deadline => DateTime.UtcNow.AddSeconds(5);

    public static Metadata Headers(string? role) => string.IsNullOrEmpty(role) ? [] : new Metadata { { SupervisorConstants.RoleClaimHeader, role } };

    /// <summary>Runs a client call; prints a gRPC failure on stderr and returns its exit code (1).</summary>
    public static async Task<int> Call(CliOutput output, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (RpcException e)
        {
            output.Error.WriteLine($"error: {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }
}
