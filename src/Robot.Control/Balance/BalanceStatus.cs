namespace Robot.Control.Balance;

/// <summary>What the balance controller reports besides its commands; a fault code the safety stop logic can act on.</summary>
public enum BalanceStatus
{
    /// <summary>Balancing normally.</summary>
    Ok,
    /// <summary>The DCM left the support polygon for longer than allowed: a step is needed (or the robot is falling).</summary>
    DcmNotCapturable,
    /// <summary>The leg inverse kinematics could not reach the commanded stance.</summary>
    LegUnreachable,
    /// <summary>The inputs (joint angles, IMU) were not usable, or the CoM estimate from them is not a number.</summary>
    InvalidInput,
    /// <summary>The CoM estimate is finite but implausible (faster than <see cref="StandingBalanceOptions.MaxPlausibleComSpeed"/>).</summary>
    EstimateImplausible,
    /// <summary>A leg joint has been at its torque limit for longer than <see cref="StandingBalanceOptions.SaturationTimeout"/>.</summary>
    TorqueSaturated,
    /// <summary>
    /// When the stance was captured the soles were crossed or overlapping (the left sole not at
    /// least a sole width left of the right one): there is no support polygon to balance in.
    /// </summary>
    StanceInvalid,
    /// <summary>
    /// The base is tilted past <see cref="StandingBalanceOptions.FallenTilt"/>: the robot is down
    /// or past any recovery, and the controller holds its pose.
    /// </summary>
    Fallen,
}
