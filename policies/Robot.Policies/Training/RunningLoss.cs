namespace Robot.Policies.Training;

/// <summary>
/// The training losses summed over the steps since the last history point (<see cref="LossPoint"/>), whose
/// means that point reports. A checkpoint keeps them, so a resumed run's next point averages the same steps
/// as an uninterrupted run's.
/// </summary>
/// <param name="SumLoss">Sum of the steps' training losses.</param>
/// <param name="SumL1">Sum of their L1 parts.</param>
/// <param name="Steps">Steps summed.</param>
public readonly record struct RunningLoss(double SumLoss, double SumL1, int Steps);
