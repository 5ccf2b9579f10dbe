using Microsoft.Extensions.Hosting;

namespace Robot.Safety.Hosting;

/// <summary>
/// Runs <see cref="Supervisor.SafetySupervisor.Sweep"/> every sweep interval on the supervisor's
/// <see cref="TimeProvider"/>: lost robots, silent e-stop endpoints, stale person tracks.
/// </summary>
public sealed class SupervisorWatchdog : BackgroundService
{
    private readonly Supervisor.SafetySupervisor _supervisor;

    public SupervisorWatchdog(Supervisor.SafetySupervisor supervisor)
    {
        _supervisor = supervisor;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_supervisor.Options.SweepInterval, _supervisor.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                _supervisor.Sweep();
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }
}
