using Robot.Runtime.Tasks;

namespace Robot.Runtime.Tests.Tasks;

public sealed class TaskStateMachineTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static TaskRecord Queued() => TaskStateMachine.Create("t-1", new PickTaskRequest("box-1", "shelf-a/l1/s1", "tote-1"), 1, "operator:alice", s_now).Task;

    [Fact]
    public void IsLegal_AllowsExactlyTheTaskLifecycle()
    {
        var legal = new HashSet<(TaskState, TaskState)>
        {
            (TaskState.Queued, TaskState.Underway), (TaskState.Queued, TaskState.Canceled), (TaskState.Queued, TaskState.Killed), (TaskState.Queued, TaskState.Failed),
            (TaskState.Underway, TaskState.Blocked), (TaskState.Underway, TaskState.Completed), (TaskState.Underway, TaskState.Failed), (TaskState.Underway, TaskState.Canceled), (TaskState.Underway, TaskState.Killed),
            (TaskState.Blocked, TaskState.Underway), (TaskState.Blocked, TaskState.Completed), (TaskState.Blocked, TaskState.Failed), (TaskState.Blocked, TaskState.Canceled), (TaskState.Blocked, TaskState.Killed),
        };
        foreach (TaskState from in Enum.GetValues<TaskState>())
        {
            foreach (TaskState to in Enum.GetValues<TaskState>())
            {
                Assert.True(legal.Contains((from, to)) == TaskStateMachine.IsLegal(from, to), $"{from} → {to}");
            }
        }
    }

    [Theory]
    [InlineData(TaskState.Completed)]
    [InlineData(TaskState.Failed)]
    [InlineData(TaskState.Canceled)]
    [InlineData(TaskState.Killed)]
    public void FinalStates_AreFinal(TaskState final)
    {
        TaskRecord task = TaskStateMachine.Transition(TaskStateMachine.Transition(Queued(), TaskState.Underway, "go", s_now).Task, final, "end", s_now).Task;

        Assert.True(final.IsFinal());
        var e = Assert.Throws<InvalidOperationException>(() => TaskStateMachine.Transition(task, TaskState.Underway, "again", s_now));
        Assert.Equal($"task t-1: {final.ToName()} → underway is not a legal transition (again)", e.Message);
        Assert.Throws<InvalidOperationException>(() => TaskStateMachine.EnterPhase(task, TaskPhase.Pick, "", s_now));
    }

    [Fact]
    public void Transition_WithoutReason_Throws()
    {
        Assert.Throws<ArgumentException>(() => TaskStateMachine.Transition(Queued(), TaskState.Underway, " ", s_now));
    }

    [Fact]
    public void Transition_CarriesReasonPreviousStateAndTime()
    {
        DateTimeOffset later = s_now.AddSeconds(3);
        TaskEvent e = TaskStateMachine.Transition(Queued(), TaskState.Underway, "dispatched", later);

        Assert.Equal(TaskState.Queued, e.PreviousState);
        Assert.Equal(TaskState.Underway, e.State);
        Assert.Equal("dispatched", e.Task.Reason);
        Assert.Equal(later, e.Task.UpdatedAt);
        Assert.Equal(s_now, e.Task.CreatedAt);
        Assert.True(e.IsTransition);
    }

    [Fact]
    public void EnterPhase_KeepsTheState_AndNamesThePhase()
    {
        TaskRecord underway = TaskStateMachine.Transition(Queued(), TaskState.Underway, "go", s_now).Task;

        TaskEvent e = TaskStateMachine.EnterPhase(underway, TaskPhase.CheckGrasp, "attempt 2 of 3", s_now);

        Assert.False(e.IsTransition);
        Assert.Equal(TaskPhase.CheckGrasp, e.Phase);
        Assert.Equal("phase check_grasp: attempt 2 of 3", e.Reason);
        Assert.Throws<InvalidOperationException>(() => TaskStateMachine.EnterPhase(Queued(), TaskPhase.Navigate, "", s_now));
    }

    [Fact]
    public void Names_RoundTrip()
    {
        foreach (TaskState state in Enum.GetValues<TaskState>())
        {
            Assert.True(TaskStates.TryParse(state.ToName(), out TaskState parsed));
            Assert.Equal(state, parsed);
        }
        foreach (TaskPhase phase in Enum.GetValues<TaskPhase>())
        {
            Assert.True(TaskPhases.TryParse(phase.ToName(), out TaskPhase parsed));
            Assert.Equal(phase, parsed);
        }
        Assert.False(TaskStates.TryParse("done", out _));
    }
}
