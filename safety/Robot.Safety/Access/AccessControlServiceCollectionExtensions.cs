using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Robot.Safety.Audit;

namespace Robot.Safety.Access;

/// <summary>Registers access control for a gRPC host.</summary>
public static class AccessControlServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="policy"/>, <paramref name="options"/> and
    /// <see cref="AccessPolicyInterceptor"/> (a singleton; add it with
    /// <c>grpc.Interceptors.Add&lt;AccessPolicyInterceptor&gt;()</c>). The interceptor audits
    /// through the <see cref="IAuditLog"/> registered in <paramref name="services"/>, or
    /// <paramref name="audit"/> when given.
    /// </summary>
    public static IServiceCollection AddRobotAccessControl(this IServiceCollection services, AccessPolicy policy, AccessControlOptions? options = null, IAuditLog? audit = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= new AccessControlOptions();
        options.Validate();
        services.AddSingleton(policy);
        services.AddSingleton(options);
        if (audit is not null)
        {
            services.TryAddSingleton(audit);
        }
        services.AddSingleton(sp => new AccessPolicyInterceptor(
            sp.GetRequiredService<AccessPolicy>(), audit ?? sp.GetRequiredService<IAuditLog>(), sp.GetRequiredService<AccessControlOptions>(),
            sp.GetService<ILogger<AccessPolicyInterceptor>>()));
        return services;
    }
}
