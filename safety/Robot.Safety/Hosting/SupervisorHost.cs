using Grpc.AspNetCore.Server;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>
/// Builds and starts the supervisor process: Kestrel (HTTP/2), the three gRPC services, gRPC
/// health checking and server reflection, and the watchdog. Access control plugs in through
/// <see cref="AddInterceptor{T}"/> (authentication, authorisation, audit of denials) and
/// <see cref="ConfigureHttps"/> (TLS with client certificates); the services stay thin.
/// <see cref="SupervisorAccess.CreateHostBuilder"/> wires both as <c>robot supervisor</c> does.
/// </summary>
public sealed class SupervisorHostBuilder
{
    private readonly List<Action<KestrelServerOptions>> _kestrel = [];
    private readonly List<Action<ListenOptions>> _listen = [];
    private readonly List<Action<HttpsConnectionAdapterOptions>> _https = [];
    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly List<Action<WebApplication>> _app = [];
    private readonly List<Type> _interceptors = [];

    public SupervisorHostBuilder(SiteModel site)
    {
        Site = site;
    }

    /// <summary>The site configuration to start with.</summary>
    public SiteModel Site { get; }

    /// <summary>Host options (addresses, message size, insecure mode).</summary>
    public SupervisorOptions Options { get; } = new();

    /// <summary>Audit store. Default: <see cref="InMemoryAuditLog"/> (not durable).</summary>
    public IAuditLog AuditLog { get; set; } = new InMemoryAuditLog();

    /// <summary>Clock of every timeout. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Whether the watchdog sweeps on its own. Default true; tests that step time call Sweep themselves.</summary>
    public bool RunWatchdog { get; set; } = true;

    /// <summary>Minimum log level. Default Warning.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Adds a gRPC interceptor that runs before every service method (in the order added).</summary>
    public SupervisorHostBuilder AddInterceptor<T>() where T : Interceptor
    {
        _interceptors.Add(typeof(T));
        return this;
    }

    /// <summary>Adjusts Kestrel (limits, HTTPS defaults such as client certificate mode).</summary>
    public SupervisorHostBuilder ConfigureKestrel(Action<KestrelServerOptions> configure)
    {
        _kestrel.Add(configure);
        return this;
    }

    /// <summary>Adjusts every listening endpoint (e.g. <c>UseHttps</c> with a server certificate).</summary>
    public SupervisorHostBuilder ConfigureListen(Action<ListenOptions> configure)
    {
        _listen.Add(configure);
        return this;
    }

    /// <summary>
    /// Adjusts TLS on every https:// endpoint (server certificate, client certificate mode and
    /// validation); without it https:// endpoints use Kestrel's default certificate.
    /// </summary>
    public SupervisorHostBuilder ConfigureHttps(Action<HttpsConnectionAdapterOptions> configure)
    {
        _https.Add(configure);
        return this;
    }

    /// <summary>Registers extra services (an interceptor's dependencies, authentication).</summary>
    public SupervisorHostBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Adds middleware before the services are mapped (e.g. authentication).</summary>
    public SupervisorHostBuilder ConfigureApp(Action<WebApplication> configure)
    {
        _app.Add(configure);
        return this;
    }

    /// <summary>Validates the options (every error at once), builds and starts the host.</summary>
    public async Task<SupervisorHost> StartAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> errors = Options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid supervisor options:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors));
        }
        var audit = new SupervisorAudit(AuditLog, TimeProvider);
        var supervisor = new Supervisor.SafetySupervisor(Site, audit, TimeProvider, Options);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
            foreach (string url in Options.Urls)
            {
                var uri = new Uri(url);
                bool https = uri.Scheme == Uri.UriSchemeHttps;
                void Listen(ListenOptions listen)
                {
                    // Plain-text gRPC needs HTTP/2 without negotiation; TLS negotiates it by ALPN.
                    listen.Protocols = https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2;
                    if (https)
                    {
                        // The TLS options are fixed when UseHttps runs, so they are applied here, not after.
                        listen.UseHttps(options =>
                        {
                            foreach (var configure in _https)
                            {
                                configure(options);
                            }
                        });
                    }
                    foreach (var configure in _listen)
                    {
                        configure(listen);
                    }
                }
                KestrelEndpoints.Listen(kestrel, uri, Listen);
            }
            foreach (var configure in _kestrel)
            {
                configure(kestrel);
            }
        });
        builder.Services.AddSingleton(supervisor);
        builder.Services.AddSingleton(TimeProvider);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = Options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = true;
            foreach (Type interceptor in _interceptors)
            {
                grpc.Interceptors.Add(interceptor);
            }
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("supervisor", () => HealthCheckResult.Healthy("site " + supervisor.Site.Name));
        if (RunWatchdog)
        {
            builder.Services.AddHostedService<SupervisorWatchdog>();
        }
        foreach (var configure in _services)
        {
            configure(builder.Services);
        }

        WebApplication app = builder.Build();
        foreach (var configure in _app)
        {
            configure(app);
        }
        app.MapGrpcService<SafetySupervisorService>();
        app.MapGrpcService<EmergencyStopService>();
        app.MapGrpcService<ZonesService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal))).ToArray() ?? [];
        return new SupervisorHost(app, supervisor, addresses);
    }
}

/// <summary>A running supervisor. Dispose (or <see cref="StopAsync"/>) stops it and flushes the audit queue.</summary>
public sealed class SupervisorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    internal SupervisorHost(WebApplication app, Supervisor.SafetySupervisor supervisor, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Supervisor = supervisor;
        Addresses = addresses;
    }

    /// <summary>The domain object the services front.</summary>
    public Supervisor.SafetySupervisor Supervisor { get; }

    /// <summary>Addresses actually bound (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>Completes when the host shuts down.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancellationToken);

    /// <summary>Ends every session, then stops listening; robots stop on their own verdict timeouts.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        Supervisor.CloseAllSessions("supervisor shutting down");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await Supervisor.Audit.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops at once, as a crash would: the supervisor sends nothing more from this instant
    /// (<see cref="Supervisor.SafetySupervisor.Halt"/>), then connections are aborted without a
    /// graceful drain (for failure tests; robots must stop on their verdict timeouts).
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        Supervisor.Halt();
        await _app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await Supervisor.Audit.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
