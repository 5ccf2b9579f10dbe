namespace Robot.Safety.Hosting;

/// <summary>Which setting of <see cref="SupervisorAccessOptions"/> a <see cref="SupervisorAccessException"/> is about.</summary>
public enum SupervisorAccessSetting
{
    /// <summary><see cref="SupervisorAccessOptions.Urls"/>.</summary>
    Urls,

    /// <summary><see cref="SupervisorAccessOptions.PkiDirectory"/> and the files in it.</summary>
    Pki,

    /// <summary><see cref="SupervisorAccessOptions.ServerCertificateName"/>.</summary>
    ServerCertificateName,

    /// <summary><see cref="SupervisorAccessOptions.PolicyPath"/> and the policy's contents.</summary>
    Policy,
}

/// <summary>
/// The supervisor's access settings are unusable (missing or garbled PKI, invalid policy, an
/// insecure non-loopback address): it does not start. <see cref="Setting"/> says which setting,
/// so a command line can name its flag.
/// </summary>
public sealed class SupervisorAccessException(SupervisorAccessSetting setting, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The setting at fault.</summary>
    public SupervisorAccessSetting Setting { get; } = setting;
}
