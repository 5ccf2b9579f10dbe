namespace Robot.Control.Balance;

/// <summary>
/// Tunables of the capture step (<see cref="CaptureStepController"/>). The defaults are the ones
/// measured with <c>robot sim push</c> on our model; the measurements behind each are in
/// docs/architecture.md ("Capture stepping").
/// </summary>
public sealed class CaptureStepOptions
{
    /// <summary>
    /// Step when the DCM is this far past the front or back of the soles' bounding box, m, even
    /// before the standing law gives up (it always steps when the standing law raises
    /// <see cref="BalanceStatus.DcmNotCapturable"/>). Default 0.05: pushes the hip strategy can
    /// still stop are left to it (triggered at the edge, diagonal pushes standing recovers fell).
    /// </summary>
    public double TriggerPast { get; set; } = 0.05;

    /// <summary>
    /// Step when a sole has rolled onto its edge by more than this tilt, rad, while the DCM is
    /// within <see cref="RollZone"/> of the front or back of the soles. Default 0.08. A diagonal
    /// push tips the robot over a sole's corner with the DCM pinned at the edge, never
    /// <see cref="TriggerPast"/> beyond it: without this trigger the step came 0.3 s later, from
    /// a pelvis tilted 0.23 rad, and every diagonal step fell. Lower thresholds step from pushes
    /// the swing then lost (135°: 18 N·s at 0.07); higher ones step too late (135°: 16 N·s at 0.10).
    /// </summary>
    public double RollTilt { get; set; } = 0.08;

    /// <summary>
    /// How near the front or back of the soles the DCM must be for <see cref="RollTilt"/> to
    /// trigger a step, m. Default 0.01. Pushes to the side are left out: a sideways step lifts
    /// the loaded foot and fell from every push the standing law does not stop.
    /// </summary>
    public double RollZone { get; set; } = 0.01;

    /// <summary>Swing duration, s. Default 0.3.</summary>
    public double SwingTime { get; set; } = 0.3;

    /// <summary>
    /// How far the pelvis drops during a swing, m (minimum-jerk over the swing). Default 0.06:
    /// the legs are nearly straight at standing height and cannot reach a long step; faster
    /// drops unload the stance foot (8 cm in the first half of the swing lifted both feet). A
    /// capture step near its landing limits drops further (<see cref="ReachDrop"/>).
    /// </summary>
    public double PelvisDrop { get; set; } = 0.06;

    /// <summary>
    /// How much further a capture step's pelvis drops when its landing nears the limits
    /// (<see cref="MaxForward"/>, <see cref="MaxBackward"/>, <see cref="MaxWidth"/>), m. Default
    /// 0.02, in proportion past <see cref="ReachDropFrom"/> of the way to a limit. With 6 cm for
    /// every step, forward pushes held to 21 N·s and backward to 23 (these limits); with 8 cm for
    /// every step, 26 and 25, but random pushes of 10–14.5 N·s in a row, whose steps stay short,
    /// stood through 53 of 64 runs instead of 59, and second pushes 203 of 216 instead of 211.
    /// </summary>
    public double ReachDrop { get; set; } = 0.02;

    /// <summary>
    /// Share of the way to a landing limit from which <see cref="ReachDrop"/> starts, [0, 1). Default
    /// 0.85 (from 0.75 a backward push of 19 N·s fell).
    /// </summary>
    public double ReachDropFrom { get; set; } = 0.85;

    /// <summary>Swing foot clearance at mid-swing, m. Default 0.04.</summary>
    public double Clearance { get; set; } = 0.04;

    /// <summary>
    /// The capture step lands this much short of the DCM predicted for touchdown, m. Default
    /// 0.04: the touchdown impact takes that much off the DCM, which then ends over the sole's centre.
    /// </summary>
    public double LandingShortfall { get; set; } = 0.04;

    /// <summary>Extra lateral distance of the landing outwards, away from the stance sole, m. Default 0.02.</summary>
    public double LandingOutward { get; set; } = 0.02;

    /// <summary>Share of the swing after which the landing is no longer re-aimed. Default 0.85.</summary>
    public double AimShare { get; set; } = 0.85;

    /// <summary>
    /// Share of the swing in which the foot covers the horizontal distance. Default 1: the foot
    /// travels until it lands (0.85 lost diagonal pushes from 18.5 N·s, 45°).
    /// </summary>
    public double TravelShare { get; set; } = 1;

    /// <summary>
    /// Longest step forward from the stance sole, m. Default 0.40: at 0.35 the foot landed at
    /// that limit from 20 N·s on, and pushes of 25–26 N·s forward need the longer step.
    /// </summary>
    public double MaxForward { get; set; } = 0.40;

    /// <summary>
    /// Longest step backward from the stance sole, m. Default 0.35: at 0.30 (the foot at that
    /// limit from 17 N·s) backward pushes fell from 22.5 N·s, at 0.35 from 25.5.
    /// </summary>
    public double MaxBackward { get; set; } = 0.35;

    /// <summary>Narrowest lateral distance of a landing from the stance sole (no crossover), m. Default 0.16.</summary>
    public double MinWidth { get; set; } = 0.16;

    /// <summary>
    /// Widest lateral distance of a landing from the stance sole, m. Default 0.50: a diagonal
    /// push carries the DCM 0.4–0.5 m sideways of the stance sole by touchdown (0.40 held 135° to
    /// 16 N·s). At 0.50 a 27 N·s push at 45° leaves the DCM 3–5 cm past the landed sole's outer
    /// edge; 0.52 holds 45° to 28 N·s, but pushes in a row lost (seeds 21–52: 53 of 64 runs
    /// stood through against 56), and at 0.55 pushes at 135° and 225° fell from 23 N·s.
    /// </summary>
    public double MaxWidth { get; set; } = 0.50;

    /// <summary>Lateral distance between the soles after the closing step, m. Default 0.18.</summary>
    public double ClosingWidth { get; set; } = 0.18;

    /// <summary>
    /// The closing step lands wider than <see cref="ClosingWidth"/> (up to <see cref="MaxWidth"/>)
    /// when the DCM lies out on the closing foot's side, so that the DCM ends at least this far
    /// inside the closing sole's centre, m (negative: it may end outside). Default 0.06. At the
    /// fixed width (−1), pushes between the swept directions left the DCM on the closing
    /// sole's outer edge: handed back there, the standing law stepped sideways and fell (30°
    /// from 15 N·s, 150° and 210° from 17, 320°–340° from 17–20; 36 directions × 12–20 N·s).
    /// </summary>
    public double ClosingInside { get; set; } = 0.06;

    /// <summary>
    /// The closing step lands up to this far ahead of the landed sole (behind it, after a step
    /// back), m, when the DCM lies more than <see cref="ClosingStaggerFrom"/> that way from the
    /// landed sole's centre, so that the DCM ends that far from the closing sole's centre (0:
    /// always beside it). Default 0.15. Beside it, a forward push of 26 N·s left the DCM just
    /// past where the toes can hold the CoP (the landing at its 0.40 m limit), the pelvis pitched
    /// forward for 0.5 s and the standing law stepped from there and fell; after a step back of
    /// 25.5 N·s the DCM ran past both heels. Staggered, forward pushes hold to 28.5 N·s and
    /// backward ones to 26.5 (<c>sim push</c>).
    /// </summary>
    public double ClosingStagger { get; set; } = 0.15;

    /// <summary>
    /// How far ahead of (or behind) the landed sole's centre the DCM may lie before the closing
    /// step staggers, m. Default 0.04 (at 0.02 backward pushes of 24 N·s fell: a closing step
    /// staggered for a DCM that came back).
    /// </summary>
    public double ClosingStaggerFrom { get; set; } = 0.04;

    /// <summary>Time on both feet between the capture step's touchdown and the closing step's lift-off, s. Default 0.05.</summary>
    public double ClosingDelay { get; set; } = 0.05;

    /// <summary>
    /// After the closing step, the standing law takes over again once this long has passed, s.
    /// Default 0.5: until then a second push cannot be stepped (with 1.0, a 14 N·s push 0.8 s
    /// after a 17 N·s one fell at 0° and 180°; with 0.5 both recover, and single pushes and
    /// pushes on perturbed models recover as with 1.0).
    /// </summary>
    public double SettleTime { get; set; } = 0.5;

    /// <summary>How far inside the stance sole's edge the CoP is sent during a swing, m. Default 0.03.</summary>
    public double StanceCopMargin { get; set; } = 0.03;

    /// <summary>Pelvis shift against the DCM error to the LIPM reference, m per m. Default 1.</summary>
    public double PelvisGain { get; set; } = 1;

    /// <summary>After a touchdown, the DCM reference converges to the stance's middle at this multiple of ω. Default 0.5.</summary>
    public double SettleGain { get; set; } = 0.5;

    /// <summary>
    /// Swing-leg stiffness and damping, multiples of the stance gains. Defaults 4 and 6: with the
    /// stance gains the foot lags its path by 8 cm and overshoots the landing by 7.
    /// </summary>
    public double SwingStiffness { get; set; } = 4;

    /// <inheritdoc cref="SwingStiffness"/>
    public double SwingDamping { get; set; } = 6;

    /// <summary>
    /// After lift-off and touchdown the DCM estimate blends from the LIPM reference's velocity to
    /// the measured one over this long, s. Default 0.03: in the first ticks the joint rates jump.
    /// </summary>
    public double VelocityBlend { get; set; } = 0.03;

    /// <summary>Ankle damping control gain, rad/(s·m) of CoP error. Default 10.</summary>
    public double AnkleDampingGain { get; set; } = 10;

    /// <summary>Time constant with which the ankle damping offset returns to zero, s. Default 0.2.</summary>
    public double AnkleDampingTime { get; set; } = 0.2;

    /// <summary>Foot force difference control gain, m/(N·s). Default 1e-4.</summary>
    public double FootForceGain { get; set; } = 1e-4;

    /// <summary>Time constant with which the feet's height difference returns to zero, s. Default 0.5.</summary>
    public double FootForceTime { get; set; } = 0.5;

    /// <summary>The pelvis stays low enough for both legs to keep within this share of their length. Default 0.97.</summary>
    public double ReachShare { get; set; } = 0.97;

    /// <summary>
    /// Square the stance up: once the robot has stood quiet for <see cref="SquareQuietTime"/> and
    /// its soles lie off the first stance's placement (narrower by <see cref="SquareTolerance"/>,
    /// wider or staggered by <see cref="SquareWideTolerance"/>, or turned 0.1 rad), shift the
    /// weight onto one foot and step the other back to where the first stance had it. Default
    /// true. The feet slide under pushes the standing law stops without a step (one of 10.4 N·s
    /// sideways dragged a sole 3 cm in; 2 cm narrower, the stance holds sideways pushes only to
    /// 14 N·s, against 15), and a closing step may land wide.
    /// </summary>
    public bool SquareUp { get; set; } = true;

    /// <summary>
    /// How much narrower than the first stance the soles may stand before a squaring step, m.
    /// Default 0.02: 2 cm narrower, the standing law stops sideways pushes to 14 N·s instead of
    /// 15. Every squaring step is a weight shift and 0.3 s on one foot, where a push is worse
    /// than standing: at 0.01 more of them were taken, and of 16 runs of bumps (prototype
    /// harness) 12 instead of 14 stood through 40 of 10–13.5 N·s 2.5 s apart, 13 instead of 16
    /// through 30 of 10–14.5 N·s 4 s apart.
    /// </summary>
    public double SquareTolerance { get; set; } = 0.02;

    /// <summary>
    /// How much wider than the first stance, or how far staggered along it, the soles may stand
    /// before a squaring step, m. Default 0.05: a closing step lands 2–3 cm wide to have the DCM
    /// inside, which costs no margin, and every squaring step is 0.3 s on one foot.
    /// </summary>
    public double SquareWideTolerance { get; set; } = 0.05;

    /// <summary>How long the robot must stand quiet (no fault, CoM under 3 cm/s, back at its first height) before the stance is checked, s. Default 0.5.</summary>
    public double SquareQuietTime { get; set; } = 0.5;

    /// <summary>
    /// Before a squaring step lifts its foot, the DCM is brought this far inside the staying
    /// sole's centre (towards the other foot), m. Default 0.04: from there a CoP at the sole's
    /// inner edge carries the DCM to the new stance's middle in the 0.3 s swing. Shifted further
    /// (0.03), the weight sits longer where a push is worst (8 of 16 runs of bumps 2.5 s apart
    /// stood, against 14); less far (0.05), 12.
    /// </summary>
    public double ShiftInside { get; set; } = 0.04;

    /// <summary>
    /// How fast the standing law moves the weight onto the staying foot before a squaring step,
    /// m/s. Default 0.5: the shift is over in about 0.2 s. A push during it meets the weight off
    /// the middle; at 0.15 (0.6 s) 10 instead of 14 of 16 runs of bumps 2.5 s apart (10–13.5
    /// N·s, prototype harness) stood through all 40.
    /// </summary>
    public double ShiftRate { get; set; } = 0.5;

    /// <summary>
    /// The weight shift's rate when the soles stand staggered (more than
    /// <see cref="SquareWideTolerance"/> apart along the feet, as a staggered closing step leaves
    /// them), m/s. Default 0.15. The goal then lies twice as far from the soles' middle as in a
    /// square stance, and at <see cref="ShiftRate"/> the DCM ran at up to 0.66 m/s: the LIPM
    /// wants the CoP 0.18 m behind it, on the sole about to lift, and the DCM overshot the goal
    /// by 3–4 cm, so the shift was given up and the robot stayed staggered (after 26–27 N·s
    /// forward, 26 backward). At 0.15 one squaring step puts the soles side by side; at 0.25 only after the
    /// forward pushes. Square stances keep the faster rate (see <see cref="ShiftRate"/>).
    /// </summary>
    public double StaggeredShiftRate { get; set; } = 0.15;

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(string name, double value, bool strict)
        {
            if (!double.IsFinite(value) || value < 0 || (strict && value == 0))
            {
                errors.Add($"{name}: {value} must be a finite number {(strict ? ">" : "≥")} 0");
            }
        }
        void Share(string name, double value)
        {
            if (!(value > 0 && value <= 1))
            {
                errors.Add($"{name}: {value} must be in (0, 1]");
            }
        }
        Check(nameof(TriggerPast), TriggerPast, false);
        Check(nameof(RollTilt), RollTilt, true);
        Check(nameof(RollZone), RollZone, false);
        Check(nameof(SwingTime), SwingTime, true);
        Check(nameof(PelvisDrop), PelvisDrop, false);
        Check(nameof(ReachDrop), ReachDrop, false);
        if (!(ReachDropFrom >= 0 && ReachDropFrom < 1))
        {
            errors.Add($"{nameof(ReachDropFrom)}: {ReachDropFrom} must be in [0, 1)");
        }
        Check(nameof(Clearance), Clearance, false);
        Check(nameof(LandingShortfall), LandingShortfall, false);
        Check(nameof(LandingOutward), LandingOutward, false);
        Share(nameof(AimShare), AimShare);
        Share(nameof(TravelShare), TravelShare);
        Share(nameof(ReachShare), ReachShare);
        Check(nameof(MaxForward), MaxForward, true);
        Check(nameof(MaxBackward), MaxBackward, true);
        Check(nameof(MinWidth), MinWidth, true);
        if (!(MaxWidth >= MinWidth) || !double.IsFinite(MaxWidth))
        {
            errors.Add($"{nameof(MaxWidth)}: {MaxWidth} must be finite and at least {nameof(MinWidth)} ({MinWidth})");
        }
        Check(nameof(ClosingWidth), ClosingWidth, true);
        if (!double.IsFinite(ClosingInside))
        {
            errors.Add($"{nameof(ClosingInside)}: {ClosingInside} must be a finite number");
        }
        Check(nameof(ClosingStagger), ClosingStagger, false);
        Check(nameof(ClosingStaggerFrom), ClosingStaggerFrom, false);
        Check(nameof(ClosingDelay), ClosingDelay, false);
        Check(nameof(SettleTime), SettleTime, true);
        Check(nameof(StanceCopMargin), StanceCopMargin, false);
        Check(nameof(PelvisGain), PelvisGain, false);
        Check(nameof(SettleGain), SettleGain, true);
        Check(nameof(SwingStiffness), SwingStiffness, true);
        Check(nameof(SwingDamping), SwingDamping, true);
        Check(nameof(VelocityBlend), VelocityBlend, false);
        Check(nameof(AnkleDampingGain), AnkleDampingGain, false);
        Check(nameof(AnkleDampingTime), AnkleDampingTime, true);
        Check(nameof(FootForceGain), FootForceGain, false);
        Check(nameof(FootForceTime), FootForceTime, true);
        Check(nameof(SquareTolerance), SquareTolerance, true);
        Check(nameof(SquareWideTolerance), SquareWideTolerance, true);
        Check(nameof(SquareQuietTime), SquareQuietTime, false);
        Check(nameof(ShiftInside), ShiftInside, false);
        Check(nameof(ShiftRate), ShiftRate, true);
        Check(nameof(StaggeredShiftRate), StaggeredShiftRate, true);
        return errors;
    }
}
