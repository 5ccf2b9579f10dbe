using System.Text.RegularExpressions;

namespace Robot.Safety.Tests.TestSupport;

/// <summary>
/// The supervisor's RPCs read from the contract files themselves (safety/protos/*.proto), plus
/// gRPC health checking and server reflection (v1alpha, v1), fully qualified. Independent of
/// the generated code, so a test can check the host against the contracts.
/// </summary>
public static partial class SupervisorProtoMethods
{
    [GeneratedRegex(@"^package\s+([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Package();

    [GeneratedRegex(@"service\s+(\w+)\s*\{(.*?)\n\}", RegexOptions.Singleline)]
    private static partial Regex Service();

    [GeneratedRegex(@"rpc\s+(\w+)\s*\(")]
    private static partial Regex Rpc();

    /// <summary>Every method, sorted ordinally.</summary>
    public static SortedSet<string> All(string protosDirectory)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal)
        {
            "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        };
        foreach (string file in Directory.GetFiles(protosDirectory, "*.proto"))
        {
            string text = File.ReadAllText(file);
            string package = Package().Match(text).Groups[1].Value;
            foreach (Match service in Service().Matches(text))
            {
                foreach (Match rpc in Rpc().Matches(service.Groups[2].Value))
                {
                    methods.Add($"/{package}.{service.Groups[1].Value}/{rpc.Groups[1].Value}");
                }
            }
        }
        return methods;
    }
}
