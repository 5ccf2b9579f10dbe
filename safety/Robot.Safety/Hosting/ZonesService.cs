using Grpc.Core;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>Zone management over gRPC: list, validate, apply atomically, check a point.</summary>
public sealed class ZonesService : Zones.ZonesBase
{
    private readonly Supervisor.SafetySupervisor _supervisor;

    public ZonesService(Supervisor.SafetySupervisor supervisor)
    {
        _supervisor = supervisor;
    }

    public override Task<ListZonesReply> List(ListZonesRequest request, ServerCallContext context)
    {
        SiteModel site = _supervisor.Site;
        var reply = new ListZonesReply { Version = site.Version, ContentHash = site.ContentHash };
        reply.Zones.AddRange(site.Zones.Select(ProtoMapping.ToProto));
        reply.RobotIds.AddRange(site.Robots.Keys.Order(StringComparer.Ordinal));
        return Task.FromResult(reply);
    }

    public override Task<ValidationReply> Validate(SiteDocument request, ServerCallContext context)
    {
        var (model, errors) = Supervisor.SafetySupervisor.ValidateZones(request.Yaml);
        var reply = new ValidationReply { Valid = model is not null, ContentHash = model?.ContentHash ?? "", ZoneCount = model?.Zones.Count ?? 0 };
        reply.Errors.AddRange(ProtoMapping.ToProto(errors));
        return Task.FromResult(reply);
    }

    public override async Task<ApplyZonesReply> Apply(ApplyZonesRequest request, ServerCallContext context)
    {
        CallerIdentity caller = CallerIdentityResolver.Resolve(context, request.ClaimedRole, _supervisor.Options.Insecure);
        SiteModel model;
        try
        {
            model = _supervisor.ApplyZones(request.Document?.Yaml ?? "", request.ExpectedVersion, caller);
        }
        catch (SiteValidationException e)
        {
            var reply = new ApplyZonesReply { Applied = false, Version = _supervisor.Site.Version, ContentHash = _supervisor.Site.ContentHash };
            reply.Errors.AddRange(ProtoMapping.ToProto(e.Errors));
            return reply;
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(e);
        }
        // The caller hears "applied" only once the zones.applied record is durable.
        try
        {
            await _supervisor.Audit.DurableAsync().ConfigureAwait(false);
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(new SupervisorException(e.Error, $"the zones were applied but their audit record is not durable: {e.Message}"));
        }
        return new ApplyZonesReply { Applied = true, Version = model.Version, ContentHash = model.ContentHash };
    }

    public override Task<CheckPointReply> Check(CheckPointRequest request, ServerCallContext context)
    {
        double x = request.Point?.X ?? double.NaN, y = request.Point?.Y ?? double.NaN;
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"point: ({x}, {y}) must be finite"));
        }
        var reply = new CheckPointReply();
        reply.Zones.AddRange(_supervisor.Site.ZonesAt(x, y).Select(ProtoMapping.ToProto));
        return Task.FromResult(reply);
    }
}
