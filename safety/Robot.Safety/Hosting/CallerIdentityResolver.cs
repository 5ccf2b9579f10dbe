using System.Security.Claims;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>
/// Finds who called. An authenticated user (set by the access-control layer from the client
/// certificate) wins: its name and role claim. Else a peer authenticated by TLS gives the
/// principal (no role until access control maps it). Else, on an insecure supervisor, the
/// caller is <see cref="CallerIdentity.InsecurePrincipal"/> with the role it claims (request
/// field or the x-robot-role header), marked insecure in every audit record.
/// </summary>
public static class CallerIdentityResolver
{
    public static CallerIdentity Resolve(ServerCallContext context, string? claimedRole, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(context);
        ClaimsPrincipal? user = context.GetHttpContext()?.User;
        if (user?.Identity?.IsAuthenticated == true)
        {
            return new CallerIdentity(user.Identity.Name ?? "authenticated", user.FindFirst(ClaimTypes.Role)?.Value, false);
        }
        if (context.AuthContext.IsPeerAuthenticated)
        {
            string principal = string.Join(",", context.AuthContext.PeerIdentity.Select(p => p.Value));
            return new CallerIdentity(principal, null, false);
        }
        if (!insecure)
        {
            return new CallerIdentity("anonymous", null, false);
        }
        string? role = !string.IsNullOrEmpty(claimedRole) ? claimedRole : context.RequestHeaders.GetValue(SupervisorConstants.RoleClaimHeader);
        return new CallerIdentity(CallerIdentity.InsecurePrincipal, string.IsNullOrEmpty(role) ? null : role, true);
    }
}
