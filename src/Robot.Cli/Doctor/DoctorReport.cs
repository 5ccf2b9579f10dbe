namespace Robot.Cli.Doctor;

/// <summary>Everything <c>robot doctor</c> found; serialised as-is for --json.</summary>
public sealed record DoctorReport(bool Ok, IReadOnlyList<DoctorCheck> Checks);
