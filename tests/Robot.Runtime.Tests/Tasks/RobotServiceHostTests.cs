using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tasks.Contracts;
using Robot.Runtime.Tasks.Hosting;
using Robot.Safety.Access;
using Robot.Safety.Hosting;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Runtime.Tests.Tasks;

/// <summary>
/// RobotService over real gRPC on loopback (port 0) with a real SQLite store and the
/// <see cref="ScriptedTestExecutor"/> standing in for the robot; access control over mutual TLS
/// with a site PKI made in a temp folder.
/// </summary>
public sealed class RobotServiceHostTests
{
    private static RobotServiceHostOptions Loopback()
    {
        var options = new RobotServiceHostOptions();
        options.Urls.Add("http://127.0.0.1:0");
        return options;
    }

    private static async Task<List<Contracts.TaskEvent>> WatchToEndAsync(Contracts.RobotService.RobotServiceClient client, string taskId)
    {
        using var deadline = new CancellationTokenSource(TaskTestBench.FailAfter);
        using AsyncServerStreamingCall<Contracts.TaskEvent> call = client.Watch(new WatchTasksRequest { TaskId = taskId }, cancellationToken: deadline.Token);
        var events = new List<Contracts.TaskEvent>();
        await foreach (Contracts.TaskEvent e in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            events.Add(e);
        }
        return events;
    }

    [Fact]
    public async Task SubmitAndWatch_OverGrpc_ScriptedRobot_ReportsUnderwayPhasesInOrderThenCompleted()
    {
        await using var bench = new TaskTestBench(start: false);
        bench.Executor.HoldAt = Robot.Runtime.Tasks.TaskPhase.Navigate;
        await using RobotServiceHost host = await RobotServiceHost.StartAsync(bench.Manager, Loopback());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new Contracts.RobotService.RobotServiceClient(channel);

        SubmitPickTaskReply reply = await client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "box-4711", Source = "shelf-a/l1/s1", Destination = "tote-1", Priority = 2, IdempotencyKey = "k-1" });
        await bench.Executor.WaitingAsync();
        using var deadline = new CancellationTokenSource(TaskTestBench.FailAfter);
        using AsyncServerStreamingCall<Contracts.TaskEvent> call = client.Watch(new WatchTasksRequest { TaskId = reply.Task.Id }, cancellationToken: deadline.Token);
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        List<Contracts.TaskEvent> events = [call.ResponseStream.Current];
        bench.Executor.Release();
        await foreach (Contracts.TaskEvent e in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            events.Add(e);
        }

        Assert.False(reply.Duplicate);
        Assert.Equal("insecure:loopback", reply.Task.SubmittedBy);
        Assert.True(events[0].Snapshot);
        Assert.Equal(Contracts.TaskState.Completed, events[^1].NewState);
        Assert.Equal(Contracts.TaskState.Underway, events[^1].PreviousState);
        Assert.Equal(
            [Contracts.TaskPhase.Navigate, Contracts.TaskPhase.Approach, Contracts.TaskPhase.Pick, Contracts.TaskPhase.CheckGrasp, Contracts.TaskPhase.Carry, Contracts.TaskPhase.Place, Contracts.TaskPhase.Check],
            events.Where(e => e.Reason.StartsWith("phase ", StringComparison.Ordinal)).Select(e => e.Phase));
        SubmitPickTaskReply again = await client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "box-4711", Source = "shelf-a/l1/s1", Destination = "tote-1", Priority = 2, IdempotencyKey = "k-1" });
        Assert.True(again.Duplicate);
        Assert.Equal(reply.Task.Id, again.Task.Id);
        Assert.Equal(Contracts.TaskState.Completed, again.Task.State);
        ListTasksReply completed = await client.ListAsync(new ListTasksRequest { State = Contracts.TaskState.Completed });
        Assert.Equal(reply.Task.Id, Assert.Single(completed.Tasks).Id);
        Assert.Empty((await client.ListAsync(new ListTasksRequest { State = Contracts.TaskState.Queued })).Tasks);
    }

    [Fact]
    public async Task Refusals_OverGrpc_CarryTheirStatusCodeAndMessage_AndStoreNothing()
    {
        await using var bench = new TaskTestBench();
        await using RobotServiceHost host = await RobotServiceHost.StartAsync(bench.Manager, Loopback());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new Contracts.RobotService.RobotServiceClient(channel);

        async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

        RpcException unknown = await Refused(() => client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "b", Source = "nowhere", Destination = "tote-1" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Equal("source: unknown location 'nowhere'; known slots: shelf-a/l1/s1, shelf-a/l2/s1", unknown.Status.Detail);
        RpcException empty = await Refused(() => client.SubmitPickTaskAsync(new SubmitPickTaskRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal("box_id: required; source: required; destination: required", empty.Status.Detail);
        bench.Executor.Feasibility = _ => "no path: goal inside keep-out zone charger-pit";
        RpcException noPath = await Refused(() => client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "b", Source = "shelf-a/l1/s1", Destination = "tote-1" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, noPath.StatusCode);
        Assert.Equal("the robot cannot serve this task now: no path: goal inside keep-out zone charger-pit", noPath.Status.Detail);
        Assert.Empty((await client.ListAsync(new ListTasksRequest())).Tasks);

        bench.Executor.Feasibility = _ => null;
        SubmitPickTaskReply first = await client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "b", Source = "shelf-a/l1/s1", Destination = "tote-1", IdempotencyKey = "k" });
        RpcException reused = await Refused(() => client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "c", Source = "shelf-a/l1/s1", Destination = "tote-1", IdempotencyKey = "k" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, reused.StatusCode);
        await WatchToEndAsync(client, first.Task.Id);
        RpcException finished = await Refused(() => client.CancelAsync(new CancelTaskRequest { TaskId = first.Task.Id }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, finished.StatusCode);
        Assert.Equal($"task {first.Task.Id} already ended completed (box b placed in tote-1 and checked); nothing to cancel", finished.Status.Detail);
        RpcException notFound = await Refused(() => client.KillAsync(new KillTaskRequest { TaskId = "t-404" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        RpcException watchNotFound = await Refused(() => WatchToEndAsync(client, "t-404"));
        Assert.Equal(StatusCode.NotFound, watchNotFound.StatusCode);
        Assert.Single((await client.ListAsync(new ListTasksRequest())).Tasks);
    }

    [Fact]
    public async Task Cancel_OverGrpc_UnderwayTask_ScriptedRobotEndsCanceled_AndTheWatchSaysWhy()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.HoldAt = Robot.Runtime.Tasks.TaskPhase.Pick;
        await using RobotServiceHost host = await RobotServiceHost.StartAsync(bench.Manager, Loopback());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new Contracts.RobotService.RobotServiceClient(channel);
        SubmitPickTaskReply reply = await client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "b", Source = "shelf-a/l1/s1", Destination = "tote-1" });
        await bench.Executor.WaitingAsync();

        TaskActionReply cancel = await client.CancelAsync(new CancelTaskRequest { TaskId = reply.Task.Id });
        List<Contracts.TaskEvent> events = await WatchToEndAsync(client, reply.Task.Id);

        Assert.Equal(Contracts.TaskState.Underway, cancel.Task.State);
        Assert.StartsWith("cancel requested", cancel.Message, StringComparison.Ordinal);
        Assert.Equal(Contracts.TaskState.Canceled, events[^1].NewState);
        Assert.Equal("canceled by insecure:loopback: standing at a safe stance", events[^1].Reason);
    }

    [Fact]
    public async Task MutualTls_OperatorMaySubmit_AuditorMayOnlyListAndWatch_AndThePrincipalIsRecorded()
    {
        string pkiDir = Directory.CreateTempSubdirectory("robot-tasks-pki-").FullName;
        try
        {
            SitePki pki = SitePki.Init(pkiDir, "test", TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
            pki.Issue(CertificateKind.Server, RobotServiceDefaults.ServerCertificateName, null, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
            IssuedCertificate op = pki.Issue(CertificateKind.Client, "op-1", RobotRoles.Operator, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
            IssuedCertificate auditor = pki.Issue(CertificateKind.Client, "aud-1", RobotRoles.Auditor, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
            await using var bench = new TaskTestBench();
            var options = new RobotServiceHostOptions { PkiDirectory = pkiDir };
            options.Urls.Add("https://127.0.0.1:0");
            await using RobotServiceHost host = await RobotServiceHost.StartAsync(bench.Manager, options);
            using X509Certificate2 ca = pki.LoadCaCertificate();
            using GrpcChannel operatorChannel = SiteMtls.CreateChannel(host.Address, SitePki.LoadWithKey(op.CertificatePath, op.KeyPath), ca);
            using GrpcChannel auditorChannel = SiteMtls.CreateChannel(host.Address, SitePki.LoadWithKey(auditor.CertificatePath, auditor.KeyPath), ca);
            var asOperator = new Contracts.RobotService.RobotServiceClient(operatorChannel);
            var asAuditor = new Contracts.RobotService.RobotServiceClient(auditorChannel);
            var request = new SubmitPickTaskRequest { BoxId = "b", Source = "shelf-a/l1/s1", Destination = "tote-1" };

            SubmitPickTaskReply reply = await asOperator.SubmitPickTaskAsync(request);
            RpcException denied = await Assert.ThrowsAsync<RpcException>(() => asAuditor.SubmitPickTaskAsync(request).ResponseAsync);
            List<Contracts.TaskEvent> watched = await WatchToEndAsync(asAuditor, reply.Task.Id);
            ListTasksReply listed = await asAuditor.ListAsync(new ListTasksRequest());

            Assert.True(host.MutualTls);
            Assert.Equal("operator:op-1", reply.Task.SubmittedBy);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            Assert.Equal("permission denied: role auditor may not call /robot.tasks.v1.RobotService/SubmitPickTask (default deny)", denied.Status.Detail);
            Assert.Equal(Contracts.TaskState.Completed, watched[^1].NewState);
            Assert.Single(listed.Tasks);
        }
        finally
        {
            Directory.Delete(pkiDir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_InsecureOnANonLoopbackAddress_IsRefusedNamingUrls_AndNothingListens()
    {
        await using var bench = new TaskTestBench(start: false);
        var options = new RobotServiceHostOptions();
        options.Urls.Add("http://0.0.0.0:0");

        var e = await Assert.ThrowsAsync<SupervisorAccessException>(() => RobotServiceHost.StartAsync(bench.Manager, options));

        Assert.Equal(SupervisorAccessSetting.Urls, e.Setting);
        Assert.StartsWith("'http://0.0.0.0:0' is not a loopback address; without mutual TLS the robot service runs insecure", e.Message, StringComparison.Ordinal);
        Assert.Null(bench.Manager.Current);
    }

    [Fact]
    public async Task Start_PortAlreadyTaken_Throws_AndTheQueuedTaskStaysQueuedForTheNextStart()
    {
        await using var bench = new TaskTestBench(start: false);
        bench.Executor.HoldAt = Robot.Runtime.Tasks.TaskPhase.Navigate;
        TaskSubmission queued = await bench.SubmitAsync("box-1");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var options = new RobotServiceHostOptions();
        options.Urls.Add($"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}");

        await Assert.ThrowsAsync<IOException>(() => RobotServiceHost.StartAsync(bench.Manager, options));
        // What `robot run` does next: stop the task manager.
        await bench.Manager.DisposeAsync();
        TaskManager restarted = bench.Open(start: false);

        Assert.Empty(restarted.Recovered);
        Assert.Equal(Robot.Runtime.Tasks.TaskState.Queued, restarted.Get(queued.Task.Id).State);
        Assert.Empty(bench.Executor.Started);
    }

    [Fact]
    public async Task TaskLoopStopped_StoreRefusesUpdates_HealthIsNotServing_AndCancelAndSubmitAreUnavailable()
    {
        await using var bench = new TaskTestBench(start: false);
        bench.Executor.HoldAt = Robot.Runtime.Tasks.TaskPhase.Navigate;
        await using RobotServiceHost host = await RobotServiceHost.StartAsync(bench.Manager, Loopback());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new Contracts.RobotService.RobotServiceClient(channel);
        var health = new Health.HealthClient(channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        SubmitPickTaskReply reply = await client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "b", Source = "shelf-a/l1/s1", Destination = "tote-1" });
        await bench.Executor.WaitingAsync();
        // A real SQLite fault: from now on every change of a task's row is refused, its final state included.
        using (var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = bench.StorePath, Pooling = false }.ToString()))
        {
            sqlite.Open();
            using SqliteCommand trigger = sqlite.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse_updates BEFORE UPDATE ON tasks BEGIN SELECT RAISE(ABORT, 'the disk refuses writes'); END;";
            trigger.ExecuteNonQuery();
        }
        bench.Executor.Release();

        HealthCheckResponse.Types.ServingStatus status = HealthCheckResponse.Types.ServingStatus.Serving;
        using var deadline = new CancellationTokenSource(TaskTestBench.FailAfter);
        while (!deadline.IsCancellationRequested && (status = (await health.CheckAsync(new HealthCheckRequest())).Status) == HealthCheckResponse.Types.ServingStatus.Serving)
        {
            await Task.Delay(50);
        }
        RpcException cancel = await Assert.ThrowsAsync<RpcException>(() => client.CancelAsync(new CancelTaskRequest { TaskId = reply.Task.Id }).ResponseAsync);
        RpcException kill = await Assert.ThrowsAsync<RpcException>(() => client.KillAsync(new KillTaskRequest { TaskId = reply.Task.Id }).ResponseAsync);
        RpcException submit = await Assert.ThrowsAsync<RpcException>(() => client.SubmitPickTaskAsync(new SubmitPickTaskRequest { BoxId = "c", Source = "shelf-a/l1/s1", Destination = "tote-1" }).ResponseAsync);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
        Assert.Equal(StatusCode.Unavailable, cancel.StatusCode);
        Assert.StartsWith($"task {reply.Task.Id} cannot be canceled here: the task loop stopped: ", cancel.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("the disk refuses writes", cancel.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, kill.StatusCode);
        Assert.Equal(StatusCode.Unavailable, submit.StatusCode);
        Assert.Null(bench.Manager.Current);
    }

    [Fact]
    public void BuiltInPolicy_MatchesServedMethods_AndDefaultsArePinned()
    {
        Assert.Empty(RobotServiceHost.LoadBuiltInPolicy().RulesMatchingNothing(RobotServiceMethods.All));
        Assert.Equal("http://127.0.0.1:50061", RobotServiceDefaults.Url);
        Assert.Equal("https://127.0.0.1:50061", RobotServiceDefaults.SecureUrl);
        Assert.Equal("robot", RobotServiceDefaults.ServerCertificateName);
        Assert.Equal(["http://127.0.0.1:50061"], new RobotServiceHostOptions().EffectiveUrls);
        AccessPolicy policy = RobotServiceHost.LoadBuiltInPolicy();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Assert.True(policy.Decide(RobotRoles.Operator, "/robot.tasks.v1.RobotService/Kill", now).Allowed);
        Assert.True(policy.Decide(RobotRoles.SafetyEngineer, "/robot.tasks.v1.RobotService/Watch", now).Allowed);
        Assert.False(policy.Decide(RobotRoles.SafetyEngineer, "/robot.tasks.v1.RobotService/Cancel", now).Allowed);
        Assert.False(policy.Decide(RobotRoles.Teleoperator, "/robot.tasks.v1.RobotService/List", now).Allowed);
    }
}
