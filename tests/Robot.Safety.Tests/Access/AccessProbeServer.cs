using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Tests.Access.Probe;

namespace Robot.Safety.Tests.Access;

/// <summary>The probe services: every method answers with the principal the interceptor set.</summary>
internal sealed class AccessProbeService : AccessProbe.AccessProbeBase
{
    private static ProbeReply Reply(ServerCallContext context) => new() { Text = context.GetHttpContext().User.Identity?.Name ?? "?" };

    public override Task<ProbeReply> GetStatus(ProbeRequest request, ServerCallContext context) => Task.FromResult(Reply(context));

    public override Task<ProbeReply> DispatchTask(ProbeRequest request, ServerCallContext context) => Task.FromResult(Reply(context));

    public override Task<ProbeReply> ResetEmergencyStop(ProbeRequest request, ServerCallContext context) => Task.FromResult(Reply(context));

    public override Task<ProbeReply> ExportAudit(ProbeRequest request, ServerCallContext context) => Task.FromResult(Reply(context));

    public override async Task WatchVerdicts(ProbeRequest request, IServerStreamWriter<ProbeReply> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(Reply(context));
        await responseStream.WriteAsync(Reply(context));
    }

    public override async Task<ProbeReply> UploadDemonstration(IAsyncStreamReader<ProbeRequest> requestStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext())
        {
        }
        return Reply(context);
    }

    public override async Task Teleoperate(IAsyncStreamReader<ProbeRequest> requestStream, IServerStreamWriter<ProbeReply> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext())
        {
            await responseStream.WriteAsync(Reply(context));
        }
    }
}

internal sealed class AuditProbeService : AuditProbe.AuditProbeBase
{
    public override Task<ProbeReply> Read(ProbeRequest request, ServerCallContext context) => Task.FromResult(new ProbeReply { Text = "read" });
}

/// <summary>A Kestrel host on loopback port 0 serving the probes behind <see cref="AccessPolicyInterceptor"/>.</summary>
internal sealed class AccessProbeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AccessProbeServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts with mutual TLS (server certificate and site CA given) or in insecure loopback mode (both null).</summary>
    public static async Task<AccessProbeServer> StartAsync(AccessPolicy policy, IAuditLog audit, X509Certificate2? serverCertificate, X509Certificate2? siteCa)
    {
        bool insecure = serverCertificate is null;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, 0);
            if (insecure)
            {
                kestrel.ListenInsecureLoopback(endpoint);
            }
            else
            {
                kestrel.ListenMutualTls(endpoint, serverCertificate!, siteCa!, audit);
            }
        });
        builder.Services.AddRobotAccessControl(policy, new AccessControlOptions { InsecureLoopback = insecure }, audit);
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<AccessPolicyInterceptor>());
        WebApplication app = builder.Build();
        app.MapGrpcService<AccessProbeService>();
        app.MapGrpcService<AuditProbeService>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        return new AccessProbeServer(app, uri);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An IAuditLog that keeps records in memory, for asserting on denials.</summary>
public sealed class RecordingAuditLog : IAuditLog
{
    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public ValueTask<long> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        lock (_records)
        {
            _records.Add(record);
            return ValueTask.FromResult((long)_records.Count - 1);
        }
    }

    public Task<long> AppendRangeAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        lock (_records)
        {
            long first = _records.Count;
            _records.AddRange(records);
            return Task.FromResult(first);
        }
    }
}
