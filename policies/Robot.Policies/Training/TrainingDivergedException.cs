namespace Robot.Policies.Training;

/// <summary>
/// Training stopped because a step's loss was NaN or infinite: the weights would have become NaN.
/// No policy was written; the output's last checkpoint (if any) is from before the step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the report of step <paramref name="step"/>, whose loss was <paramref name="loss"/>.</summary>
    /// <param name="step">The step (1-based) whose loss was not finite.</param>
    /// <param name="loss">That loss.</param>
    /// <param name="lastCheckpoint">Steps of the last checkpoint in the output, or null when none was written.</param>
    public TrainingDivergedException(long step, double loss, long? lastCheckpoint)
        : base($"training diverged at step {step}: the training loss is {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)}, so no policy was written" +
               (lastCheckpoint is { } c ? $" (the checkpoint of step {c} is kept)" : "") +
               "; look for NaN or infinite values in the dataset (robot dataset validate names them) or lower the learning rate or KL weight")
    {
        Step = step;
        Loss = loss;
    }

    /// <summary>The step (1-based) whose loss was not finite.</summary>
    public long Step { get; }

    /// <summary>That loss.</summary>
    public double Loss { get; }
}
