using Robot.Policies.Datasets;
using Robot.Policies.Recording;
using Robot.Policies.Tests.Datasets;

namespace Robot.Policies.Tests.Recording;

/// <summary>
/// Entry point of this test assembly when run as a child process (<c>dotnet exec Robot.Policies.Tests.dll
/// record-child DIR SAVE_EPISODES FRAMES [resume]</c>): records SAVE_EPISODES episodes of FRAMES frames, printing
/// <c>saved N</c> after each, then starts one more episode and keeps adding frames (printing
/// <c>recording N F</c>) until it is killed. The test host never calls this.
/// </summary>
public static class RecorderChildProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 4 || args[0] != "record-child")
        {
            Console.Error.WriteLine("usage: record-child DIR SAVE_EPISODES FRAMES [resume]");
            return 2;
        }
        string dir = args[1];
        int episodes = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        int frames = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        bool resume = args.Length > 4 && args[4] == "resume";
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.OpenAsync(dir, DatasetFixture.Spec(), resume);
        var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = episodes, EpisodeTimeS = 1000, Clock = RecordingClock.Simulated });
        var s = new float[16];
        var env = new float[14];
        var a = new float[16];
        for (int e = 0; e < episodes; e++)
        {
            recorder.BeginEpisode();
            for (int i = 0; i < frames; i++)
            {
                DatasetFixture.Fill(e, i, s, env, a);
                recorder.AddFrame(s, env, a);
            }
            EpisodeRecord saved = await recorder.SaveEpisodeAsync(DatasetFixture.PickTask, success: true);
            Console.Out.WriteLine($"saved {saved.EpisodeIndex}");
            Console.Out.Flush();
        }
        recorder.BeginEpisode();
        for (int i = 0; ; i++)
        {
            DatasetFixture.Fill(episodes, i, s, env, a);
            recorder.AddFrame(s, env, a);
            if (i % 10 == 0)
            {
                Console.Out.WriteLine($"recording {writer.TotalEpisodes} {i}");
                Console.Out.Flush();
            }
            Thread.Sleep(2);
        }
    }
}
