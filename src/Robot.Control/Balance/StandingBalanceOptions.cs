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

    /// <summary>
    /// Whether the legs get gravity feed-forward torques: the weight split between the feet by
    /// where the desired ZMP lies between them, each foot's share acting at that ZMP moved into
    /// its sole. Without it the joint PD carries the body and sags under it. Default true.
    /// </summary>
    public bool GravityFeedForward { get; set; } = true;

    /// <summary>
    /// How far from the toe and the heel each foot's feed-forward CoP stays, m. Default 0.03 (a
    /// third of the half-length): the joint PD's own ankle torque adds to the feed-forward's.
    /// Measured (<c>robot sim push</c>): at the ZMP margin (1 cm) the soles tip and 45° pushes
    /// recover 0.98 × the 0-step bound; at 3 cm every direction recovers at least the bound.
    /// </summary>
    public double FeedForwardHeelToeMargin { get; set; } = 0.03;

    /// <summary>How far from the sole's sides each foot's feed-forward CoP stays, m. Default 0.01.</summary>
    public double FeedForwardSideMargin { get; set; } = 0.01;

    /// <summary>
    /// CoM height regulation: the time constant with which the pelvis height corrects the CoM's
    /// height error (a torso lean lowers the CoM; the PD sags), s. Default 0.2.
    /// </summary>
    public double ComHeightTimeConstant { get; set; } = 0.2;

    /// <summary>Largest pelvis height correction of the CoM height regulation, m. Default 0.03.</summary>
    public double MaxHeightCorrection { get; set; } = 0.03;

    /// <summary>
    /// How fast a stance captured off the rest posture (lower than the first stance, or with the
    /// CoM off the soles' middle, as a capture step leaves it) returns to it, m/s, both the
    /// pelvis height and the CoM over the soles (0: keep the stance as captured). Default 0.06.
    /// </summary>
    public double ReturnRate { get; set; } = 0.06;

    /// <summary>
    /// A CoM speed above this is not a push the robot can be in, it is a broken estimate (the
    /// ∞-step capturability bound is about 1.2 m/s): the controller faults, m/s. Default 3.
    /// </summary>
    public double MaxPlausibleComSpeed { get; set; } = 3;

    /// <summary>
    /// A base (the IMU's pelvis) tilted further than this from upright is a robot that is down
    /// or past any recovery: the controller faults (<see cref="BalanceStatus.Fallen"/>), rad.
    /// Default 0.7 (40°): the most a push the robot recovered from tilted the pelvis is 0.58 rad
    /// (25 N·s at 135°, four steps; the simulation already counts it as a fall past 25°). Before
    /// this check a robot falling while stepping faulted a median 0.33 s after it was down (by
    /// the simulation's 25°), 12 of 30 falls as <see cref="BalanceStatus.EstimateImplausible"/>,
    /// two after a fourth step on the way down; at 0.7 a median 0.21 s after (one fourth step
    /// left), at 0.6 0.18 s (none), 0.02 rad over that recovery.
    /// </summary>
    public double FallenTilt { get; set; } = 0.7;

    /// <summary>A leg joint whose measured torque is at least this share of its limit is saturated. Default 0.98.</summary>
    public double SaturationShare { get; set; } = 0.98;

    /// <summary>How long a leg joint may stay saturated before the controller faults (it has lost its authority), s. Default 0.15.</summary>
    public double SaturationTimeout { get; set; } = 0.15;

    /// <summary>
    /// Hip strategy: torso pitch per metre the DCM has come closer than
    /// <see cref="HipStrategyDeadband"/> to the support polygon's front or back edge, rad/m (0 off).
    /// Default 20. Measured (<c>robot sim push</c>, 8 directions): with the torso and arm gains
    /// the robot recovers 1.01–1.12 × the 0-step bound without a step; the ankle strategy alone 0.97–1.02 ×
    /// (with the gravity feed-forward; 0.5 N·s sweeps).
    /// </summary>
    public double TorsoPitchGain { get; set; } = 20;

    /// <summary>Hip strategy: torso roll per metre the DCM is past the deadband at the left or right edge, rad/m (0 off). Default 40.</summary>
    public double TorsoRollGain { get; set; } = 40;

    /// <summary>Hip strategy: both arms' shoulder pitch per metre the DCM is past the deadband at the front or back edge, rad/m (0 off). Default 60.</summary>
    public double ArmSwingGain { get; set; } = 60;

    /// <summary>The hip strategy acts once the DCM is closer than this to the support polygon's edge, m. Default 0.02 (quiet standing never reaches it).</summary>
    public double HipStrategyDeadband { get; set; } = 0.02;

    /// <summary>Largest torso lean of the hip strategy (each of pitch and roll), rad. Default 0.4 (the waist's range is ±0.52).</summary>
    public double MaxTorsoLean { get; set; } = 0.4;

    /// <summary>Largest arm swing of the hip strategy, rad. Default 1.2.</summary>
    public double MaxArmSwing { get; set; } = 1.2;

    /// <summary>Index of the waist roll joint in the joint vector (the hip strategy leans the torso with it). Default 13 (HumanoidModel order).</summary>
    public int WaistRollJoint { get; set; } = 13;

    /// <summary>Index of the waist pitch joint. Default 14.</summary>
    public int WaistPitchJoint { get; set; } = 14;

    /// <summary>Indices of the two shoulder pitch joints the hip strategy swings. Default 15 and 22.</summary>
    public int[] ShoulderPitchJoints { get; set; } = [15, 22];

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        // Finite and > 0 (strict) or ≥ 0: the gains and sizes may not be NaN, infinite or negative.
        void Check(string name, double value, bool strict)
        {
            if (!double.IsFinite(value) || value < 0 || (strict && value == 0))
            {
                errors.Add($"{name}: {value} must be a finite number {(strict ? ">" : "≥")} 0");
            }
        }
        Check(nameof(SoleHalfLength), SoleHalfLength, true);
        Check(nameof(SoleHalfWidth), SoleHalfWidth, true);
        Check(nameof(DcmGain), DcmGain, true);
        Check(nameof(VelocityFilterTimeConstant), VelocityFilterTimeConstant, true);
        Check(nameof(UncapturableTimeout), UncapturableTimeout, true);
        Check(nameof(PelvisGain), PelvisGain, true);
        Check(nameof(MaxPelvisShift), MaxPelvisShift, true);
        Check(nameof(TorsoPitchGain), TorsoPitchGain, false);
        Check(nameof(TorsoRollGain), TorsoRollGain, false);
        Check(nameof(ArmSwingGain), ArmSwingGain, false);
        Check(nameof(HipStrategyDeadband), HipStrategyDeadband, false);
        Check(nameof(MaxTorsoLean), MaxTorsoLean, false);
        Check(nameof(MaxArmSwing), MaxArmSwing, false);
        Check(nameof(ComHeightTimeConstant), ComHeightTimeConstant, true);
        if (!(FeedForwardHeelToeMargin >= 0 && FeedForwardHeelToeMargin < SoleHalfLength))
        {
            errors.Add($"{nameof(FeedForwardHeelToeMargin)}: {FeedForwardHeelToeMargin} must be ≥ 0 and smaller than the sole half-length {SoleHalfLength}");
        }
        if (!(FeedForwardSideMargin >= 0 && FeedForwardSideMargin < SoleHalfWidth))
        {
            errors.Add($"{nameof(FeedForwardSideMargin)}: {FeedForwardSideMargin} must be ≥ 0 and smaller than the sole half-width {SoleHalfWidth}");
        }
        Check(nameof(MaxHeightCorrection), MaxHeightCorrection, false);
        Check(nameof(ReturnRate), ReturnRate, false);
        Check(nameof(MaxPlausibleComSpeed), MaxPlausibleComSpeed, true);
        if (!(FallenTilt > 0 && FallenTilt < Math.PI / 2))
        {
            errors.Add($"{nameof(FallenTilt)}: {FallenTilt} must be in (0, π/2) rad");
        }
        Check(nameof(SaturationTimeout), SaturationTimeout, true);
        if (!(SaturationShare > 0 && SaturationShare <= 1))
        {
            errors.Add($"{nameof(SaturationShare)}: {SaturationShare} must be in (0, 1]");
        }
        if (ShoulderPitchJoints is null)
        {
            errors.Add($"{nameof(ShoulderPitchJoints)} must be set (an empty list swings no arm)");
        }
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
