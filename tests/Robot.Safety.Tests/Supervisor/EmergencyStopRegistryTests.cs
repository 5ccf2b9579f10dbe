using Robot.Safety.Contracts;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Tests.Supervisor;

public class EmergencyStopRegistryTests
{
    /// <summary>
    /// The invariant behind a reset: an endpoint whose last valid check-in asks for a stop always
    /// has a latch. A check-in at CUT racing a reset of the endpoint's previous latch must either
    /// keep that latch (the reset sees the cause back) or latch anew (it lands after the reset).
    /// The race cannot be forced from outside, so it is run many times; with the cause check and
    /// the removal in one critical section there is no interleaving that breaks it.
    /// </summary>
    [Fact]
    public async Task Reset_RacingACheckInAskingForCut_NeverLeavesTheStopUnlatched()
    {
        await using var h = new SupervisorTestHarness();
        EmergencyStopRegistry registry = h.Supervisor.EStops;
        EmergencyStopEndpoint endpoint = registry.RegisterEndpoint("pendant", "operator", TimeSpan.FromMinutes(1), [], "test");
        ulong challenge = endpoint.Challenge;
        ulong CheckIn(StopLevel level)
        {
            var (accepted, next, _) = registry.CheckIn(endpoint.Id, challenge, ~challenge, level);
            Assert.True(accepted);
            return challenge = next;
        }
        using var start = new Barrier(2);
        for (int i = 0; i < 2000; i++)
        {
            CheckIn(StopLevel.SettleThenCut);
            CheckIn(StopLevel.None);
            Assert.Single(registry.Latches);
            Task reset = Task.Run(() =>
            {
                start.SignalAndWait();
                h.Supervisor.ResetEmergencyStop(null, SupervisorTestHarness.Engineer);
            });
            start.SignalAndWait();
            CheckIn(StopLevel.Cut);
            await reset;
            Assert.True(registry.Latches.Any(l => l.EndpointId == endpoint.Id), $"iteration {i}: the endpoint asks for CUT but no latch holds the stop");
            CheckIn(StopLevel.None);
            h.Supervisor.ResetEmergencyStop(null, SupervisorTestHarness.Engineer);
            Assert.Empty(registry.Latches);
        }
    }
}
