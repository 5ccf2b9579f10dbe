using Robot.Policies.Datasets;
using Robot.Policies.Models;
using Robot.Policies.Tests.Datasets;

namespace Robot.Policies.Tests.Training;

/// <summary>Tiny pick-task-shaped datasets (state 8, environment 14, action 8) and tiny network configs that train in well under a second.</summary>
public static class PolicyDatasetFixture
{
    public static DatasetSpec Spec(bool withEnvironment = true) => new()
    {
        RobotType = "warehouse_humanoid",
        Fps = 50,
        StateNames = DatasetFixture.Names("arm", 7).Append("gripper").ToList(),
        EnvironmentStateNames = withEnvironment ? DatasetFixture.Names("box", 7).Concat(DatasetFixture.Names("tote", 7)).ToList() : [],
        ActionNames = DatasetFixture.Names("arm", 7).Append("gripper").ToList(),
    };

    /// <summary>Writes <paramref name="episodes"/> episodes of <paramref name="frames"/> smooth frames into <paramref name="root"/>.</summary>
    public static async Task<string> CreateAsync(string root, int episodes = 4, int frames = 40, bool withEnvironment = true)
    {
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(root, Spec(withEnvironment));
        for (int e = 0; e < episodes; e++)
        {
            await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, e, frames), DatasetFixture.PickTask, success: true, outcome: "success");
        }
        return root;
    }

    /// <summary>A tiny ACT: width 16, 2 heads, one layer each, chunk 5.</summary>
    public static PolicyConfig TinyAct => new()
    {
        Kind = PolicyKind.Act, ModelWidth = 16, Heads = 2, FeedForwardWidth = 32, EncoderLayers = 1, DecoderLayers = 1, VaeEncoderLayers = 1,
        LatentWidth = 4, ChunkLength = 5, BatchSize = 16, LearningRate = 1e-3,
    };

    /// <summary>A tiny MLP: one hidden layer of 32.</summary>
    public static PolicyConfig TinyMlp => PolicyConfig.ForKind(PolicyKind.Mlp) with { MlpHiddenWidth = 32, MlpHiddenLayers = 1, BatchSize = 32 };
}
