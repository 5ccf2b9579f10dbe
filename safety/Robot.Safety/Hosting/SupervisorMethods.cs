using Google.Protobuf.Reflection;
using Robot.Safety.Contracts;

namespace Robot.Safety.Hosting;

/// <summary>
/// Every gRPC method the supervisor host serves, fully qualified (<c>/package.Service/Method</c>):
/// the three supervisor services, gRPC health checking and server reflection (v1alpha and v1).
/// An access policy rule that matches none of them is a typo or names a removed RPC, and the
/// supervisor refuses to start with it. Keep in step with the services
/// <see cref="SupervisorHostBuilder.StartAsync"/> maps; the access tests call each one over gRPC.
/// </summary>
public static class SupervisorMethods
{
    /// <summary>The served services, in the order the host maps them.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        SafetySupervisor.Descriptor,
        EmergencyStop.Descriptor,
        Zones.Descriptor,
        Grpc.Health.V1.Health.Descriptor,
        Grpc.Reflection.V1Alpha.ServerReflection.Descriptor,
        Grpc.Reflection.V1.ServerReflection.Descriptor,
    ];

    /// <summary>Every served method, fully qualified, service by service.</summary>
    public static IReadOnlyList<string> All { get; } = Services
        .SelectMany(service => service.Methods.Select(method => $"/{service.FullName}/{method.Name}"))
        .ToArray();
}
