using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Safety.Audit;

namespace Robot.Safety.Access;

/// <summary>
/// Authorises every gRPC call (unary and all three streaming kinds) before the service sees it:
/// the principal comes from the TLS client certificate (<see cref="ClientCertificatePrincipal"/>),
/// the decision from the default-deny <see cref="AccessPolicy"/>. A denied call ends with
/// PERMISSION_DENIED (UNAUTHENTICATED when there is no valid principal) and an audit record
/// (category "access", type "rpc.denied") that is durable before the caller hears the answer.
/// An allowed call runs with <c>HttpContext.User</c> set to the principal: Name "role:name",
/// a <see cref="ClaimTypes.Role"/> claim, authentication type "mtls" (in insecure mode the same
/// claims on an identity that is not authenticated).
/// </summary>
public sealed class AccessPolicyInterceptor : Interceptor
{
    private readonly AccessPolicy _policy;
    private readonly IAuditLog _audit;
    private readonly AccessControlOptions _options;
    private readonly ILogger _logger;

    public AccessPolicyInterceptor(AccessPolicy policy, IAuditLog audit, AccessControlOptions options, ILogger<AccessPolicyInterceptor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _policy = policy;
        _audit = audit;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context).ConfigureAwait(false);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context).ConfigureAwait(false);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    /// <summary>Returns the caller's principal when the policy allows the call; otherwise audits the denial and throws.</summary>
    private async Task<RobotPrincipal> AuthorizeAsync(ServerCallContext context)
    {
        HttpContext? http = context.GetHttpContext();
        string method = context.Method;
        RobotPrincipal? principal;
        string? problem;
        if (_options.InsecureLoopback)
        {
            IPAddress? remote = http?.Connection.RemoteIpAddress;
            if (remote is null || !IPAddress.IsLoopback(remote))
            {
                principal = null;
                problem = $"insecure mode serves loopback callers only (caller {remote})";
            }
            else
            {
                string? role = context.RequestHeaders.GetValue(_options.InsecureRoleHeader);
                string name = context.RequestHeaders.GetValue(_options.InsecureNameHeader) is { } n && ClientCertificatePrincipal.IsValidName(n) ? n : "loopback";
                principal = role is null ? null : new RobotPrincipal(role, name, "", Insecure: true);
                problem = role is null ? $"insecure mode: no role claimed (header {_options.InsecureRoleHeader})" : null;
            }
        }
        else if (!ClientCertificatePrincipal.TryGet(http?.Connection.ClientCertificate, out principal, out problem))
        {
            principal = null;
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        if (principal is null)
        {
            await DenyAsync(StatusCode.Unauthenticated, "anonymous", method, problem ?? "no principal", context, now).ConfigureAwait(false);
        }
        AccessDecision decision = _policy.Decide(principal!.Role, method, now);
        if (!decision.Allowed)
        {
            await DenyAsync(StatusCode.PermissionDenied, Describe(principal), method, decision.Reason, context, now).ConfigureAwait(false);
        }
        if (http is not null)
        {
            // An insecure caller's identity carries the claims but is not authenticated
            // (no authentication type): code that trusts only authenticated users stays honest.
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, principal.ToString()), new Claim(ClaimTypes.Role, principal.Role)],
                principal.Insecure ? null : "mtls", ClaimTypes.Name, ClaimTypes.Role);
            http.User = new ClaimsPrincipal(identity);
        }
        return principal;
    }

    private static string Describe(RobotPrincipal principal) => principal.Insecure ? $"{principal} (insecure)" : principal.ToString();

    private async Task DenyAsync(StatusCode status, string principal, string method, string reason, ServerCallContext context, DateTimeOffset now)
    {
        AccessLog.Denied(_logger, principal, method, reason);
        string details = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["method"] = method,
            ["reason"] = reason,
            ["peer"] = context.Peer,
            ["status"] = status.ToString(),
        });
        var record = new AuditRecord(now, _options.AuditSource, AuditCategory.Access, "rpc.denied", "denied", principal, Details: details);
        try
        {
            using var timeout = new CancellationTokenSource(_options.AuditTimeout);
            await _audit.AppendAsync(record, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            AccessLog.AuditFailed(_logger, e, principal, method);
        }
        throw new RpcException(new Status(status, status == StatusCode.Unauthenticated ? $"unauthenticated: {reason}" : $"permission denied: {reason}"));
    }
}
