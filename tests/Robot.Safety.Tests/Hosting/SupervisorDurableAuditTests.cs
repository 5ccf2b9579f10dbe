using Grpc.Core;
using Grpc.Net.Client;
using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Hosting;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Hosting;

/// <summary>The supervisor writing to the SQLite audit store over real gRPC: its session records are durable and the log verifies.</summary>
public sealed class SupervisorDurableAuditTests
{
    [Fact]
    public async Task Session_WithSqliteAuditLog_RecordsSessionStartAndVerifies()
    {
        string dir = Directory.CreateTempSubdirectory("supervisor-audit").FullName;
        string db = Path.Combine(dir, "audit.db");
        try
        {
            await using (SqliteAuditLog audit = SqliteAuditLog.Open(db))
            {
                var builder = new SupervisorHostBuilder(TestSites.BasicModel()) { AuditLog = audit };
                builder.Options.Urls.Clear();
                builder.Options.Urls.Add("http://127.0.0.1:0");
                await using (SupervisorHost host = await builder.StartAsync())
                {
                    using var channel = GrpcChannel.ForAddress(host.Addresses[0]);
                    var client = new Contracts.SafetySupervisor.SafetySupervisorClient(channel);
                    using var call = client.Session(deadline: DateTime.UtcNow.AddSeconds(10));
                    await call.RequestStream.WriteAsync(new RobotMessage
                    {
                        Hello = new Hello
                        {
                            RobotId = "h1",
                            Footprint = { new Vec2 { X = 0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = -0.25 }, new Vec2 { X = 0.3, Y = -0.25 } },
                            Reach = 0.2,
                            ReactionTime = 0.05,
                            MaxDeceleration = 1.0,
                            MaxSpeed = 1.5,
                        },
                    });
                    Assert.True(await call.ResponseStream.MoveNext());
                    await call.RequestStream.CompleteAsync();
                }
            }
            using AuditLogFile file = AuditLogFile.Open(db);
            AuditVerificationReport report = file.Verify(TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(db)));
            Assert.True(report.Ok, string.Join("; ", report.Problems));
            Assert.Contains(file.Query(new AuditQuery(RobotId: "h1")), e => e.Record.Type == "session.started");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
