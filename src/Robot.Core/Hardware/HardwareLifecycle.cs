namespace Robot.Core.Hardware;

/// <summary>Lifecycle of a hardware interface, after ros2_control's.</summary>
public enum HardwareLifecycle
{
    /// <summary>Created, not talking to anything yet.</summary>
    Unconfigured,
    /// <summary>Talking and reading; commands are not allowed.</summary>
    Configured,
    /// <summary>Reading and accepting commands.</summary>
    Active,
    /// <summary>A fault stopped the hardware; it must be configured again.</summary>
    Error,
}
