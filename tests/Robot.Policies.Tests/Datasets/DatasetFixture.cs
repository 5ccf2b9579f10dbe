using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

/// <summary>Shared test data: a temp folder per test and a realistic spec (state 16, environment 14, action 16 at 50 fps).</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "robot-ds-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class DatasetFixture
{
    public const string PickTask = "pick the box from the shelf and place it in the tote";
    public const string OtherTask = "pick the box from the lower shelf";

    public static DatasetSpec Spec(int fps = 50) => new()
    {
        RobotType = "warehouse_humanoid",
        Fps = fps,
        StateNames = Names("arm", 15).Append("gripper").ToList(),
        EnvironmentStateNames = Names("box", 7).Concat(Names("tote", 7)).ToList(),
        ActionNames = Names("arm", 15).Append("gripper").ToList(),
    };

    public static List<string> Names(string prefix, int n) => Enumerable.Range(0, n).Select(i => $"{prefix}_{i}").ToList();

    /// <summary>Fills a buffer with a smooth deterministic motion: episode e, frame i, entry d.</summary>
    public static EpisodeBuffer Episode(LeRobotDatasetWriter writer, int episode, int frames, int fps = 50)
    {
        EpisodeBuffer b = writer.NewBuffer(frames);
        var s = new float[b.StateWidth];
        var env = new float[b.EnvironmentWidth];
        var a = new float[b.ActionWidth];
        for (int i = 0; i < frames; i++)
        {
            Fill(episode, i, s, env, a);
            b.AddFrame(s, env, a, 1000.0 + (double)i / fps);
        }
        return b;
    }

    public static void Fill(int episode, int i, Span<float> s, Span<float> env, Span<float> a)
    {
        for (int d = 0; d < s.Length; d++)
        {
            s[d] = MathF.Sin(0.05f * i + d + episode);
        }
        for (int d = 0; d < env.Length; d++)
        {
            env[d] = 0.1f * d + 0.01f * episode;
        }
        for (int d = 0; d < a.Length; d++)
        {
            a[d] = MathF.Sin(0.05f * (i + 1) + d + episode);
        }
    }
}
