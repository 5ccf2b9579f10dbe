using Robot.Safety.Geofence;
using static Robot.Runtime.Execution.SimSiteRobot;

namespace Robot.Runtime.Execution;

/// <summary>The stages of a pick task, in the order they run (Open-RMF's "phases").</summary>
public enum PickStage
{
    /// <summary>Walking to the slot's approach pose around keep-out zones and shelves.</summary>
    Navigate,
    /// <summary>The last steps up to the pick stance.</summary>
    Approach,
    /// <summary>The upper body reaches, grasps and lifts.</summary>
    Pick,
    /// <summary>The finger sensors confirm a held box.</summary>
    CheckGrasp,
    /// <summary>Walking to the tote with the box.</summary>
    Carry,
    /// <summary>Over the tote, down, release.</summary>
    Place,
    /// <summary>The box rests inside the tote.</summary>
    Check,
}

/// <summary>
/// One pick task on a <see cref="SimSiteRobot"/>: navigate → approach → pick (retried up to a
/// configured number of attempts, stepping back and up to the shelf again between them) →
/// check the grasp → carry (navigate and approach the tote) → place → check. Each stage is
/// reported before it starts; the first stage that fails ends the task with its reason.
/// </summary>
public static class PickSequence
{
    /// <summary>Runs the task; returns how it ended and why.</summary>
    /// <param name="robot">The robot, standing.</param>
    /// <param name="source">The slot to pick from.</param>
    /// <param name="destination">The tote to place into.</param>
    /// <param name="attempts">Pick attempts before the task fails (≥ 1).</param>
    /// <param name="stage">Called as each stage starts, with a detail ("attempt 2 of 3").</param>
    /// <param name="cancel">Graceful end: the robot stops where it is safe and stands.</param>
    /// <param name="kill">Immediate end.</param>
    public static (SkillResult Result, string Reason) Run(SimSiteRobot robot, SiteLocation source, SiteLocation destination, int attempts,
        Action<PickStage, string> stage, CancellationToken cancel, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(robot);
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        (SkillResult Result, string Reason) Step(PickStage s, string detail, Func<(SkillResult, string)> action)
        {
            stage(s, detail);
            robot.Activity = $"{s.ToString().ToLowerInvariant()} {detail}".Trim();
            return action();
        }
        (SkillResult Result, string Reason) r = Step(PickStage.Navigate, source.Id, () => robot.WalkTo(source, false, cancel, kill));
        if (r.Result != SkillResult.Done)
        {
            return Fail(r, "navigating to " + source.Id);
        }
        for (int attempt = 1; ; attempt++)
        {
            r = Step(PickStage.Approach, source.Id, () => robot.WalkTo(source, true, cancel, kill));
            if (r.Result != SkillResult.Done)
            {
                return Fail(r, "approaching " + source.Id);
            }
            r = Step(PickStage.Pick, $"attempt {attempt} of {attempts} ({r.Reason})", () => robot.Pick(source, cancel, kill));
            if (r.Result == SkillResult.Done)
            {
                r = Step(PickStage.CheckGrasp, "finger sensors", () => robot.GraspHeld() ? (SkillResult.Done, "box held") : (SkillResult.Failed, "the finger sensors report no box"));
            }
            if (r.Result == SkillResult.Done)
            {
                break;
            }
            if (r.Result != SkillResult.Failed || attempt >= attempts)
            {
                return Fail(r, $"picking from {source.Id} (attempt {attempt} of {attempts})");
            }
            // Step back to the approach pose before trying again: a fresh stance, a fresh reach.
            r = Step(PickStage.Approach, $"backing off to retry ({r.Reason})", () => robot.WalkTo(source, false, cancel, kill));
            if (r.Result != SkillResult.Done)
            {
                return Fail(r, "backing off from " + source.Id);
            }
        }
        r = Step(PickStage.Carry, destination.Id, () => robot.WalkTo(destination, false, cancel, kill));
        if (r.Result == SkillResult.Done)
        {
            r = Step(PickStage.Carry, "up to " + destination.Id, () => robot.WalkTo(destination, true, cancel, kill));
        }
        if (r.Result != SkillResult.Done)
        {
            return Fail(r, "carrying to " + destination.Id);
        }
        r = Step(PickStage.Place, $"{destination.Id} ({r.Reason})", () => robot.Place(destination, cancel, kill));
        if (r.Result != SkillResult.Done)
        {
            return Fail(r, "placing into " + destination.Id);
        }
        stage(PickStage.Check, destination.Id);
        robot.Activity = "idle";
        return (SkillResult.Done, $"{r.Reason}; moved from {source.Id} to {destination.Id}");
    }

    private static (SkillResult, string) Fail((SkillResult Result, string Reason) r, string while_) => (r.Result, $"{while_}: {r.Reason}");
}
