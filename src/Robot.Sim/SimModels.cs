namespace Robot.Sim;

/// <summary>Paths of the MJCF models shipped beside the assembly (copied to the build output).</summary>
public static class SimModels
{
    /// <summary>Folder holding the shipped models.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>A 1 kg box dropped from 0.5 m onto a floor.</summary>
    public static string DropTest => Path.Combine(Directory, "drop-test.xml");

    /// <summary>Our warehouse humanoid alone (no floor): see <see cref="HumanoidModel"/>.</summary>
    public static string Humanoid => Path.Combine(Directory, "humanoid.xml");
}
