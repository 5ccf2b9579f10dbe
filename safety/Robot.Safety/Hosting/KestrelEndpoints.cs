using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Robot.Safety.Hosting;

/// <summary>How the site's gRPC hosts (the supervisor, the robot runtime's RobotService) bind a URL in Kestrel.</summary>
public static class KestrelEndpoints
{
    /// <summary>
    /// Listens on <paramref name="uri"/>'s host and port (0: a free port): <c>localhost</c> on
    /// both loopback addresses, an IP address on that address, any other name on every address.
    /// </summary>
    /// <param name="kestrel">The server options.</param>
    /// <param name="uri">An http:// or https:// URL.</param>
    /// <param name="configure">Protocols and TLS of the endpoint.</param>
    public static void Listen(KestrelServerOptions kestrel, Uri uri, Action<ListenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Host is "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip))
        {
            kestrel.Listen(ip, uri.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
    }
}
