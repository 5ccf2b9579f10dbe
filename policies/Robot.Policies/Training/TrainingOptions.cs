using Robot.Policies.Models;

namespace Robot.Policies.Training;

/// <summary>Options of one training run, validated once (<see cref="Validate"/>).</summary>
public sealed record TrainingOptions
{
    /// <summary>LeRobot v3.0 dataset folder. Required.</summary>
    public required string Dataset { get; init; }

    /// <summary>Output folder: the policy (policy.json, model.safetensors), checkpoint/, loss_curve.png, model_card.md/json. Required.</summary>
    public required string Output { get; init; }

    /// <summary>Network and optimiser hyper-parameters. Default: ACT's.</summary>
    public PolicyConfig Config { get; init; } = new();

    /// <summary>Optimiser steps in total (a resumed run continues up to this count). Default 4000.</summary>
    public int Steps { get; init; } = 4000;

    /// <summary>Seed of the weights' initialisation, the batch order, dropout and the CVAE's sampling. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Torch intra-op threads. Default 2.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Steps between validation losses (and history points). Default 200.</summary>
    public int ValidateEvery { get; init; } = 200;

    /// <summary>Steps between checkpoints. Default 500.</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Fraction of episodes held out for validation (the dataset's last ones). Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Continue from Output/checkpoint instead of starting afresh.</summary>
    public bool Resume { get; init; }

    /// <summary>Stop (with a checkpoint) after this many steps of this invocation; null runs to <see cref="Steps"/>. For tests of --resume.</summary>
    public int? StopAfter { get; init; }

    /// <summary>Every problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Config.Validate());
        if (Steps < 1)
        {
            errors.Add($"Steps: {Steps} must be >= 1");
        }
        if (Threads < 1 || Threads > 64)
        {
            errors.Add($"Threads: {Threads} must be 1–64");
        }
        if (ValidateEvery < 1 || CheckpointEvery < 1)
        {
            errors.Add("ValidateEvery and CheckpointEvery must be >= 1");
        }
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            errors.Add($"ValidationFraction: {ValidationFraction} must be in [0, 1)");
        }
        return errors;
    }
}

/// <summary>One point of the loss history.</summary>
/// <param name="Step">Optimiser steps taken.</param>
/// <param name="TrainLoss">Mean training loss over the steps since the previous point (L1 + KL weight · KL for ACT).</param>
/// <param name="TrainL1">Mean L1 part of it.</param>
/// <param name="ValidationL1">L1 of the predicted chunk (z = 0, eval mode) on the held-out episodes; NaN without any.</param>
/// <param name="ElapsedS">Training wall time so far, s.</param>
public sealed record LossPoint(long Step, double TrainLoss, double TrainL1, double ValidationL1, double ElapsedS);

/// <summary>What a finished training run reports.</summary>
public sealed record TrainingReport(string Output, [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PolicyKind>))] PolicyKind Kind, long Steps, long ResumedFrom, int Seed, string DatasetHash, int TrainEpisodes,
    int ValidationEpisodes, int TrainFrames, int ValidationFrames, long Parameters, double FinalTrainLoss, double FinalValidationL1, double BestValidationL1,
    double TrainingTimeS, IReadOnlyList<LossPoint> History, bool Finished);
