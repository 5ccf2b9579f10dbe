namespace Robot.Cli.Doctor;

/// <summary>The result of one doctor check.</summary>
/// <param name="Name">What was checked, e.g. "mujoco".</param>
/// <param name="Ok">True when the product can use it.</param>
/// <param name="Detail">What was found (a version, a path) or what went wrong.</param>
/// <param name="Fix">The exact command that fixes a failed check; null when it passed.</param>
public sealed record DoctorCheck(string Name, bool Ok, string Detail, string? Fix = null);
