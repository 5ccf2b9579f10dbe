using Google.Protobuf.Reflection;

namespace Robot.Runtime.Tasks.Hosting;

/// <summary>
/// Every gRPC method <see cref="RobotServiceHost"/> serves, fully qualified
/// (<c>/package.Service/Method</c>): RobotService and gRPC health checking. An access policy rule
/// that matches none of them is a typo, and the host refuses to start with it.
/// </summary>
public static class RobotServiceMethods
{
    /// <summary>The served services.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        Contracts.RobotService.Descriptor,
        Grpc.Health.V1.Health.Descriptor,
    ];

    /// <summary>Every served method, fully qualified.</summary>
    public static IReadOnlyList<string> All { get; } = Services
        .SelectMany(service => service.Methods.Select(method => $"/{service.FullName}/{method.Name}"))
        .ToArray();
}
