using Robot.Control.Kinematics;

namespace Robot.Control.Balance;

/// <summary>
/// Options of <see cref="StandingBalanceController"/>. Validated once at construction (every
/// error together); the controller copies what it needs. Defaults suit our ~34 kg humanoid.
/// </summary>
public sealed class StandingBalanceOptions
{
    /// <summary>Left leg geometry; its six joints are <see cref="LeftLegFirstJoint"/>..+5 in the joint vector.</summary>
    public LegGeometry LeftLeg { get; set; } = LegGeometry.WarehouseHumanoidLeft;

    /// <summary>Right leg geometry.</summary>
    public LegGeometry RightLeg { get; set; } = LegGeometry.WarehouseHumanoidRight;

    /// <summary>Index of the left hip yaw in the joint vector. Default 0 (HumanoidModel order).</summary>
    public int LeftLegFirstJoint { get; set; }

    /// <summary>Index of the right hip yaw. Default 6.</summary>
    public int RightLegFirstJoint { get; set; } = 6;

    /// <summary>Name of the left foot body (the ankle-roll body) in the kinematic tree. Default "left_foot".</summary>
    public string LeftFootBody { get; set; } = "left_foot";

    /// <summary>Name of the right foot body. Default "right_foot".</summary>
    public string RightFootBody { get; set; } = "right_foot";

    /// <summary>Half the sole's length (x), m. Default 0.09.</summary>
    public double SoleHalfLength { get; set; } = 0.09;

    /// <summary>Half the sole's width (y), m. Default 0.03.</summary>
    public double SoleHalfWidth { get; set; } = 0.03;

    /// <summary>Margin kept between the commanded ZMP and the support polygon's edge, m. Default 0.01.</summary>
    public double ZmpMargin { get; set; } = 0.01;

    /// <summary>DCM feedback gain k of the reported ZMP p = ξ + (k/ω)(ξ − ξ_ref), 1/s. Default 3 (HRP-4's stabiliser uses P = 5 at 200 Hz).</summary>
    public double DcmGain { get; set; } = 3;

    /// <summary>Low-pass time constant of the CoM velocity estimate (finite difference), s. Default 0.01.</summary>
    public double VelocityFilterTimeConstant { get; set; } = 0.01;

    /// <summary>Pelvis shift per metre of DCM error (dimensionless). Default 1.</summary>
    public double PelvisGain { get; set; } = 1.0;

    /// <summary>Largest horizontal pelvis shift from the stance pose, m. Default 0.06.</summary>
    public double MaxPelvisShift { get; set; } = 0.06;

    /// <summary>How long the DCM may stay outside the support polygon before the controller faults, s. Default 0.05.</summary>
    public double UncapturableTimeout { get; set; } = 0.05;

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                errors.Add($"{name}: {value} must be a finite number > 0");
            }
        }
        Positive(nameof(SoleHalfLength), SoleHalfLength);
        Positive(nameof(SoleHalfWidth), SoleHalfWidth);
        Positive(nameof(DcmGain), DcmGain);
        Positive(nameof(VelocityFilterTimeConstant), VelocityFilterTimeConstant);
        Positive(nameof(UncapturableTimeout), UncapturableTimeout);
        Positive(nameof(PelvisGain), PelvisGain);
        Positive(nameof(MaxPelvisShift), MaxPelvisShift);
        if (!(ZmpMargin >= 0) || ZmpMargin >= SoleHalfWidth)
        {
            errors.Add($"{nameof(ZmpMargin)}: {ZmpMargin} must be ≥ 0 and smaller than the sole half-width {SoleHalfWidth}");
        }
        if (LeftLegFirstJoint < 0 || RightLegFirstJoint < 0 || Math.Abs(LeftLegFirstJoint - RightLegFirstJoint) < 6)
        {
            errors.Add($"leg joint ranges [{LeftLegFirstJoint}, +6) and [{RightLegFirstJoint}, +6) must be non-negative and must not overlap");
        }
        return errors;
    }
}
