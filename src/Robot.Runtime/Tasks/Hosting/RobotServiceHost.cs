using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Hosting;
using Robot.Safety.Supervisor;

namespace Robot.Runtime.Tasks.Hosting;

/// <summary>
/// The robot runtime's gRPC endpoint: Kestrel (HTTP/2) serving <see cref="RobotService"/> over a
/// <see cref="TaskManager"/>, plus gRPC health checking. Start it in-process with
/// <see cref="StartAsync"/>; dispose it to stop listening (the task manager is the caller's and
/// stays open). Access works as the supervisor's (<see cref="SupervisorAccess"/>): with a PKI
/// folder, mutual TLS with the site CA (<see cref="SiteMtls"/>) and the default-deny
/// <see cref="AccessPolicyInterceptor"/> with the robot policy; without one, insecure on
/// loopback addresses only, with a loud warning on stderr. gRPC health answers SERVING while the
/// task manager accepts tasks and NOT_SERVING once it refuses them (<see cref="TaskManager.StoppedReason"/>).
/// </summary>
public sealed class RobotServiceHost : IAsyncDisposable
{
    /// <summary>Where <see cref="LoadBuiltInPolicy"/> says the policy came from.</summary>
    public const string BuiltInPolicySource = "robot-access-policy.yaml (built in)";

    private const string BuiltInPolicyResource = "Robot.Runtime.Tasks.Hosting.robot-access-policy.yaml";

    private readonly WebApplication _app;
    private int _stopped;

    private RobotServiceHost(WebApplication app, TaskManager tasks, IReadOnlyList<Uri> addresses, bool mutualTls)
    {
        _app = app;
        Tasks = tasks;
        Addresses = addresses;
        MutualTls = mutualTls;
    }

    /// <summary>The task manager the service fronts.</summary>
    public TaskManager Tasks { get; }

    /// <summary>Addresses actually bound (port 0 resolved), in the order of the options' URLs.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address: what <c>robot task … --robot URL</c> takes.</summary>
    public Uri Address => Addresses[0];

    /// <summary>True when every address is served over mutual TLS.</summary>
    public bool MutualTls { get; }

    /// <summary>
    /// Checks <paramref name="options"/> (every setting before anything listens: a bad one throws
    /// <see cref="SupervisorAccessException"/> naming it, and nothing starts), binds every address
    /// and only then starts <paramref name="tasks"/> (<see cref="TaskManager.Start"/>) and serves
    /// it. An address that cannot be bound (a taken port) throws Kestrel's <see cref="IOException"/>
    /// with nothing listening and the task loop not started: queued tasks stay queued.
    /// </summary>
    /// <param name="tasks">The task manager to serve; the caller keeps owning it.</param>
    /// <param name="options">Addresses and access; null for insecure on <see cref="RobotServiceDefaults.Url"/>.</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    public static async Task<RobotServiceHost> StartAsync(TaskManager tasks, RobotServiceHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        options ??= new RobotServiceHostOptions();
        IReadOnlyList<Uri> urls = CheckUrls(options);
        (X509Certificate2 Server, X509Certificate2 SiteCa)? pki = null;
        AccessPolicy? policy = null;
        if (options.MutualTls)
        {
            pki = SupervisorAccess.LoadPki(options.PkiDirectory!, options.ServerCertificateName, DateTimeOffset.UtcNow);
            policy = SupervisorAccess.LoadPolicy(options.PolicyPath, RobotServiceMethods.All, LoadBuiltInPolicy);
        }
        IAuditLog audit = options.AuditLog ?? new InMemoryAuditLog();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (Uri uri in urls)
            {
                KestrelEndpoints.Listen(kestrel, uri, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    if (pki is { } credentials)
                    {
                        listen.UseHttps(https => SiteMtls.ConfigureHttps(https, credentials.Server, credentials.SiteCa, audit, auditSource: options.AuditSource));
                    }
                });
            }
        });
        builder.Services.AddSingleton(tasks);
        builder.Services.AddSingleton(options);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = true;
            if (policy is not null)
            {
                grpc.Interceptors.Add<AccessPolicyInterceptor>();
            }
        });
        if (policy is not null)
        {
            builder.Services.AddRobotAccessControl(policy, new AccessControlOptions { AuditSource = options.AuditSource }, audit);
        }
        // NOT_SERVING once the task manager refuses work (its loop stopped on a store failure, or it is stopping).
        builder.Services.AddGrpcHealthChecks().AddCheck("tasks", () => tasks.StoppedReason is { } stopped
            ? HealthCheckResult.Unhealthy(stopped)
            : HealthCheckResult.Healthy("site " + tasks.Site.Name));

        WebApplication app = builder.Build();
        app.MapGrpcService<RobotService>();
        app.MapGrpcHealthChecksService();
        if (policy is null)
        {
            SiteMtls.WarnInsecure(string.Join(", ", urls.Select(u => u.ToString())));
        }
        // Bind first: a taken port must fail the start before the task loop makes a queued task
        // underway, which stopping the task manager would then cancel.
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        tasks.Start();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal))).ToArray() ?? [];
        return new RobotServiceHost(app, tasks, addresses, pki is not null);
    }

    /// <summary>The shipped default-deny robot policy (<c>Tasks/Hosting/robot-access-policy.yaml</c>, embedded at build time).</summary>
    public static AccessPolicy LoadBuiltInPolicy()
    {
        using Stream stream = typeof(RobotServiceHost).Assembly.GetManifestResourceStream(BuiltInPolicyResource)
            ?? throw new InvalidOperationException($"the built-in robot access policy ({BuiltInPolicyResource}) is missing");
        using var reader = new StreamReader(stream);
        return AccessPolicy.Parse(reader.ReadToEnd(), BuiltInPolicySource);
    }

    /// <summary>Stops listening; open watch streams end with UNAVAILABLE. The task manager keeps running.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Every URL parsed; with a PKI https only, without one http on loopback only.</summary>
    private static Uri[] CheckUrls(RobotServiceHostOptions options)
    {
        var urls = new List<Uri>();
        foreach (string url in options.EffectiveUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new SupervisorAccessException(SupervisorAccessSetting.Urls, $"'{url}' is not an http:// or https:// address");
            }
            if (options.MutualTls && uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new SupervisorAccessException(SupervisorAccessSetting.Urls, $"'{url}' is not an https:// address; with mutual TLS every address is served over TLS");
            }
            if (!options.MutualTls)
            {
                if (uri.Scheme != Uri.UriSchemeHttp)
                {
                    throw new SupervisorAccessException(SupervisorAccessSetting.Urls, $"'{url}' is https://, which needs the PKI folder for mutual TLS");
                }
                if (!IsLoopback(uri))
                {
                    throw new SupervisorAccessException(SupervisorAccessSetting.Urls,
                        $"'{url}' is not a loopback address; without mutual TLS the robot service runs insecure (no authentication) and listens on 127.0.0.1, ::1 or localhost only. Give the PKI folder (robot pki init|issue) to serve mutual TLS anywhere else");
                }
            }
            urls.Add(uri);
        }
        if (!options.MutualTls && options.PolicyPath is not null)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Policy,
                $"an access policy ({options.PolicyPath}) is enforced only with mutual TLS: give the PKI folder too; insecure mode has no authenticated callers to apply it to");
        }
        return [.. urls];
    }

    private static bool IsLoopback(Uri uri)
    {
        string host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
    }
}
