using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Core.Hardware;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Scenarios;
using Robot.Sim;
using Robot.Sim.Scenarios;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The balance controller's capture stepping, in the real pipeline against MuJoCo.</summary>
public class CaptureStepTests
{
    /// <summary>A robot on the stepping controller, stood 1 s, then pushed at the pelvis.</summary>
    private static (CaptureStepController Controller, SimHardware Hardware, SimulatedRobot Robot, SimulatedTimeDriver Driver) Pushed(double directionDeg, double impulse,
        StandingBalanceOptions? options = null, CaptureStepOptions? step = null)
    {
        var stood = Stood(options, step);
        Push(stood.Hardware, directionDeg, impulse);
        return stood;
    }

    /// <summary>A robot on the stepping controller, stood 1 s.</summary>
    private static (CaptureStepController Controller, SimHardware Hardware, SimulatedRobot Robot, SimulatedTimeDriver Driver) Stood(
        StandingBalanceOptions? options = null, CaptureStepOptions? step = null)
    {
        var hardware = SimHardware.FlatGround();
        CaptureStepController controller = BalanceFactory.CreateStepping(hardware, options, step);
        var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000);
        return (controller, hardware, robot, driver);
    }

    /// <summary>Runs until the controller is in <paramref name="phase"/> (with <paramref name="squaring"/> squaring steps begun, when given), at most 3 s.</summary>
    private static void RunUntil(CaptureStepController controller, SimulatedTimeDriver driver, StepPhase phase, int? squaring = null)
    {
        for (int k = 0; k < 3000 && !(controller.Phase == phase && (squaring is null || controller.SquaringSteps == squaring)); k++)
        {
            driver.Run(1);
        }
        Assert.Equal(phase, controller.Phase);
    }

    /// <summary>The robot stands again on the standing law, upright and without a fault, after <paramref name="steps"/> steps in all.</summary>
    private static void AssertStandingAfter(int steps, CaptureStepController controller, SimHardware hardware, SimulatedRobot robot)
    {
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        Assert.True(hardware.PelvisTilt < 0.2, $"tilted {hardware.PelvisTilt:F2} rad");
        Assert.Equal(steps, controller.StepsTaken);
        Assert.Equal(StepPhase.Standing, controller.Phase);
    }

    /// <summary>
    /// Pushed, the robot stands again after a capture and a closing step; with <paramref name="without"/>
    /// in place of the shipped options it does not, or the test would no longer show their part.
    /// </summary>
    private static void AssertRecoveredOnlyWithTheShippedOptions(double direction, double impulse, CaptureStepOptions without, string what)
    {
        var (controller, hardware, robot, driver) = Pushed(direction, impulse);
        using (robot)
        {
            // 5 s: a staggered stance is squared by then (its slower weight shift lifts the foot about 3.7 s after the push).
            driver.Run(5000, stopOnFault: true);
            AssertStandingAfter(2, controller, hardware, robot);
        }
        var (other, otherHardware, otherRobot, otherDriver) = Pushed(direction, impulse, step: without);
        using (otherRobot)
        {
            otherDriver.Run(4000, stopOnFault: true);
            bool stood = otherRobot.Pipeline.Fault == LoopFault.None && otherHardware.PelvisTilt < 0.2 && other.StepsTaken == 2;
            Assert.False(stood, $"with {what} the robot stood on two steps: the test no longer shows the shipped options' part");
        }
    }

    /// <summary>An impulse on the pelvis towards <paramref name="directionDeg"/> (0 = forward, 90 = left), N·s.</summary>
    private static void Push(SimHardware hardware, double directionDeg, double impulse)
    {
        double a = directionDeg * Math.PI / 180;
        hardware.Impulse(HumanoidModel.PelvisBody, impulse * Math.Cos(a), impulse * Math.Sin(a), 0, PushScenario.PushDuration);
    }

    /// <summary>
    /// Pushes the standing law alone falls from (it recovers 13 N·s forward, 11 backward, 18 at
    /// 45° and 15 at 135°): the controller steps, brings the rear foot up, stands again on the
    /// standing law, and 4 s later is upright without a fault. The diagonals are stepped because a
    /// sole rolls onto its corner (<see cref="CaptureStepOptions.RollTilt"/>).
    /// </summary>
    [Theory]
    [InlineData(0, 17)]
    [InlineData(180, 18)]
    [InlineData(45, 20)]
    [InlineData(135, 20)]
    public void Push_BeyondTheStandingLaw_RecoveredWithACaptureAndAClosingStep(double direction, double impulse)
    {
        Assert.False(PushScenario.Recovers(direction, impulse, stepping: false), "the standing law alone recovered: the test no longer shows stepping's part");
        var (controller, hardware, robot, driver) = Pushed(direction, impulse);
        using (robot)
        {
            // 1.5 s on, both steps are down (a squaring step may follow once the robot stands still).
            driver.Run(1500, stopOnFault: true);
            Assert.Equal(2, controller.StepsTaken);
            (double x, double y) = controller.Landing;
            driver.Run(3000, stopOnFault: true);
            AssertStandingAfter(2, controller, hardware, robot);
            // The stance moved with the push: the closing step landed on the push's side.
            double a = direction * Math.PI / 180;
            double along = Math.Cos(a) * x + Math.Sin(a) * y;
            Assert.True(along > 0.15, $"landed at ({x:F3}, {y:F3}) m, {along:F3} m along the push");
        }
    }

    /// <summary>
    /// Pushes near the 1-step bound forward and backward (0.91 and 0.97 of Koolen's): the capture
    /// step lands up to 0.40 m ahead of the stance sole or 0.35 m behind it, and near those limits
    /// the pelvis drops 8 cm instead of 6 (<see cref="CaptureStepOptions.ReachDrop"/>). With the
    /// 6 cm drop for every step and the 0.35 and 0.30 m limits it had before, the robot falls,
    /// which the test asserts.
    /// </summary>
    [Theory]
    [InlineData(0, 26)]
    [InlineData(180, 25)]
    public void Push_NearTheOneStepBound_RecoveredWithTheDeeperDropAndTheLongerStep(double direction, double impulse) =>
        AssertRecoveredOnlyWithTheShippedOptions(direction, impulse, new CaptureStepOptions { ReachDrop = 0, MaxForward = 0.35, MaxBackward = 0.30 },
            "the 6 cm drop and the shorter steps");

    /// <summary>
    /// Pushes between the directions <c>sim push --directions 8</c> sweeps: the DCM ends out on
    /// the closing foot's side, and the closing step lands wider to have it inside
    /// (<see cref="CaptureStepOptions.ClosingInside"/>). At the fixed closing width the DCM
    /// was left on the closing sole's outer edge, the standing law stepped sideways from there
    /// and the robot fell, which the test asserts.
    /// </summary>
    [Theory]
    [InlineData(30, 18)]
    [InlineData(150, 19)]
    [InlineData(210, 19)]
    public void Push_BetweenTheSweptDirections_ClosingStepLandsUnderTheDcm(double direction, double impulse) =>
        AssertRecoveredOnlyWithTheShippedOptions(direction, impulse, new CaptureStepOptions { ClosingInside = -1 }, "the fixed closing width");

    /// <summary>
    /// Pushes past the reach of one step forward and backward (0.94 and 1.00 of Koolen's 1-step
    /// bound): the capture step lands at its limit with the DCM still out ahead of (behind) the
    /// landed sole, and the closing step lands up to 0.15 m further that way
    /// (<see cref="CaptureStepOptions.ClosingStagger"/>). Beside the landed sole, the DCM ends past
    /// the toes (heels) and the robot falls, which the test asserts.
    /// </summary>
    [Theory]
    [InlineData(0, 27)]
    [InlineData(180, 26)]
    public void Push_PastOneStepsReach_ClosingStepStaggersTowardsTheDcm(double direction, double impulse) =>
        AssertRecoveredOnlyWithTheShippedOptions(direction, impulse, new CaptureStepOptions { ClosingStagger = 0 }, "the closing step beside the landed sole");

    /// <summary>
    /// After a staggered closing step the soles stand 0.08–0.15 m apart along the feet. Once the robot
    /// stands still, one squaring step brings them side by side again, the weight moved onto the
    /// staying sole at <see cref="CaptureStepOptions.StaggeredShiftRate"/>. At the rate of other
    /// shifts the DCM overshot the staying sole, every shift was given up, and the robot stayed
    /// staggered, which the test asserts too.
    /// </summary>
    [Theory]
    [InlineData(0, 27)]
    [InlineData(180, 26)]
    public void StaggeredStance_ASquaringStepBringsTheSolesSideBySide(double direction, double impulse)
    {
        (double stagger, int squaring) = StaggerAfter(direction, impulse, new CaptureStepOptions());
        Assert.Equal(1, squaring);
        Assert.True(Math.Abs(stagger) < 0.02, $"the soles stand {stagger:F3} m apart along the feet after squaring");

        CaptureStepOptions fast = ShiftingStaggeredAtTheSquareRate();
        (double kept, int none) = StaggerAfter(direction, impulse, fast);
        Assert.Equal(0, none);
        Assert.True(Math.Abs(kept) > fast.SquareWideTolerance, $"shifting at {fast.ShiftRate} m/s the soles stand {kept:F3} m apart along the feet: the test no longer shows the slower shift's part");
    }

    /// <summary>
    /// A second push 3.4 s after 27 N·s forward, as the staggered stance is being squared. At
    /// the rate of other shifts the DCM overshot, the shift was given up and the robot swayed
    /// back with its pelvis tilting: pushes of 8–11 N·s 3.2–3.6 s after the first one stood in
    /// 19 of 48 cases, and 45 of 48 at the slower rate. The test asserts both.
    /// </summary>
    [Theory]
    [InlineData(0, 11)]
    [InlineData(135, 11)]
    public void StaggeredStance_PushedWhileTheWeightShifts_StandsThroughIt(double direction, double impulse)
    {
        Assert.True(StandsSecondPushAfterStagger(direction, impulse, new CaptureStepOptions()), "pushed during the slow shift, the robot fell or faulted");
        CaptureStepOptions fast = ShiftingStaggeredAtTheSquareRate();
        Assert.False(StandsSecondPushAfterStagger(direction, impulse, fast), "pushed while swaying back from the fast shift, the robot stood: the test no longer shows the slower shift's part");
    }

    /// <summary>27 N·s forward; 3.4 s later <paramref name="impulse"/> towards <paramref name="direction"/>; whether the robot stands unfaulted 4 s after.</summary>
    private static bool StandsSecondPushAfterStagger(double direction, double impulse, CaptureStepOptions step)
    {
        var (controller, hardware, robot, driver) = Pushed(0, 27, step: step);
        using (robot)
        {
            driver.Run(3400, stopOnFault: true);
            Push(hardware, direction, impulse);
            for (int k = 0; k < 4000 && robot.Pipeline.Fault == LoopFault.None; k++)
            {
                driver.Run(1);
                if (hardware.PelvisTilt > IdleScenario.MaxTilt)
                {
                    return false;
                }
            }
            return robot.Pipeline.Fault == LoopFault.None && controller.Phase == StepPhase.Standing;
        }
    }

    /// <summary>The shipped options, but a staggered stance shifts its weight as fast as a square one (the overshooting shift).</summary>
    private static CaptureStepOptions ShiftingStaggeredAtTheSquareRate()
    {
        var options = new CaptureStepOptions();
        options.StaggeredShiftRate = options.ShiftRate;
        return options;
    }

    /// <summary>Pushed, then 7 s: how far the left sole stands ahead of the right (in the right one's heading), and the squaring steps taken.</summary>
    private static (double Stagger, int Squaring) StaggerAfter(double direction, double impulse, CaptureStepOptions step)
    {
        var (controller, hardware, robot, driver) = Pushed(direction, impulse, step: step);
        using (robot)
        {
            driver.Run(7000, stopOnFault: true);
            AssertStandingAfter(2, controller, hardware, robot);
            Span<double> left = stackalloc double[3], right = stackalloc double[3], rotation = stackalloc double[9];
            hardware.GetSolePose(true, left, rotation);
            hardware.GetSolePose(false, right, rotation);
            // The right sole's forward axis is the first column of its rotation.
            return ((left[0] - right[0]) * rotation[0] + (left[1] - right[1]) * rotation[3], controller.SquaringSteps);
        }
    }

    /// <summary>
    /// A staggered stance whose weight shift always overshoots (shifting at the rate of other
    /// shifts, 27 N·s forward): the robot is tried twice and then left standing staggered. Its
    /// sway back from a given-up shift once counted as a push, and the shift was retried every
    /// 3.5 s for as long as the robot stood there, each time tilting the pelvis 0.16 rad.
    /// </summary>
    [Fact]
    public void StaggeredStance_ShiftGivenUpTwice_LeavesTheRobotStanding()
    {
        CaptureStepOptions fast = ShiftingStaggeredAtTheSquareRate();
        var (controller, hardware, robot, driver) = Pushed(0, 27, step: fast);
        using (robot)
        {
            driver.Run(7000, stopOnFault: true);
            AssertStandingAfter(2, controller, hardware, robot);
            double tilt = 0;
            for (int k = 0; k < 5000; k++)
            {
                driver.Run(1);
                Assert.NotEqual(StepPhase.WeightShift, controller.Phase);
                tilt = Math.Max(tilt, hardware.PelvisTilt);
            }
            AssertStandingAfter(2, controller, hardware, robot);
            Assert.Equal(0, controller.SquaringSteps);
            Assert.True(tilt < 0.05, $"the pelvis tilted {tilt:F3} rad while the robot stood");
        }
    }

    /// <summary>
    /// 34 N·s at 45° is past any recovery: the robot is down (by the simulation's 25°) 1.27 s
    /// after the push. It used to take a fourth step on the way down and fault 0.8 s later (<see cref="BalanceStatus.DcmNotCapturable"/>); now it faults with
    /// <see cref="BalanceStatus.Fallen"/> within 0.3 s of being down and takes no step after.
    /// </summary>
    [Fact]
    public void PushedWhileStepping_PastAnyRecovery_RaisesFallenAndStopsStepping()
    {
        var (controller, hardware, robot, driver) = Pushed(45, 34);
        using (robot)
        {
            (double? downAt, double? faultAt) = RunUntilFallen(robot, hardware, driver);
            Assert.NotNull(downAt);
            Assert.NotNull(faultAt);
            Assert.Equal(BalanceStatus.Fallen, controller.Status);
            Assert.True(faultAt - downAt < 0.3, $"down at {downAt:F3} s, faulted at {faultAt:F3} s");
            int steps = controller.StepsTaken;
            driver.Run(2000);
            Assert.Equal(steps, controller.StepsTaken);
        }
    }

    /// <summary>Runs up to 3 s (after a push): when the robot was down by the simulation's criterion, and when the pipeline latched a fault (s after the start of the run).</summary>
    private static (double? DownAt, double? FaultAt) RunUntilFallen(SimulatedRobot robot, SimHardware hardware, SimulatedTimeDriver driver)
    {
        double? downAt = null, faultAt = null;
        for (int k = 1; k <= 3000 && faultAt is null; k++)
        {
            driver.Run(1);
            if (downAt is null && hardware.PelvisTilt > IdleScenario.MaxTilt)
            {
                downAt = k / 1000.0;
            }
            if (robot.Pipeline.Fault != LoopFault.None)
            {
                Assert.Equal(LoopFault.ControllerFault, robot.Pipeline.Fault);
                faultAt = k / 1000.0;
            }
        }
        return (downAt, faultAt);
    }

    /// <summary>
    /// Pushes the standing law stops are left to it, sideways too, where the feet roll onto their
    /// outer edges (a sideways step would lift the loaded foot).
    /// </summary>
    [Theory]
    [InlineData(0, 10)]
    [InlineData(90, 14)]
    [InlineData(270, 14)]
    public void Push_TheStandingLawRecovers_TakesNoStep(double direction, double impulse)
    {
        var (controller, hardware, robot, driver) = Pushed(direction, impulse);
        using (robot)
        {
            driver.Run(3000, stopOnFault: true);
            AssertStandingAfter(0, controller, hardware, robot);
        }
    }

    /// <summary>
    /// A sideways push the standing law stops without a step slides the far foot 2.5 cm in
    /// (the loaded foot holds, the other is dragged). Once the robot stands still, a squaring
    /// step puts the feet back at the first stance's width; kept (<see cref="CaptureStepOptions.SquareUp"/>
    /// off) the stance stays 2 cm or more narrower, which the test asserts.
    /// </summary>
    [Theory]
    [InlineData(90)]
    [InlineData(270)]
    public void Push_TheFeetSlideIn_ASquaringStepRestoresTheStanceWidth(double direction)
    {
        (double width, double squared, int steps, int squaring) = WidthAfterSlidingPush(direction, new CaptureStepOptions());
        Assert.Equal(0, steps);
        Assert.Equal(1, squaring);
        Assert.True(Math.Abs(squared - width) < 0.01, $"the soles stand {squared:F3} m apart, {width:F3} before the push");

        (_, double kept, _, int none) = WidthAfterSlidingPush(direction, new CaptureStepOptions { SquareUp = false });
        Assert.Equal(0, none);
        Assert.True(kept < width - 0.02, $"without squaring the soles stand {kept:F3} m apart, {width:F3} before: the push no longer slides them");
    }

    /// <summary>14 N·s towards <paramref name="direction"/>, then 4 s: the soles' distance before and after, the steps and the squaring steps taken.</summary>
    private static (double Before, double After, int Steps, int Squaring) WidthAfterSlidingPush(double direction, CaptureStepOptions step)
    {
        var (controller, hardware, robot, driver) = Stood(step: step);
        using (robot)
        {
            double before = hardware.SoleDistance();
            Push(hardware, direction, 14);
            driver.Run(4000, stopOnFault: true);
            AssertStandingAfter(0, controller, hardware, robot);
            return (before, hardware.SoleDistance(), controller.StepsTaken, controller.SquaringSteps);
        }
    }

    /// <summary>
    /// A push while the weight moves onto one foot for a squaring step: the shift ends at once
    /// (the DCM leaves its target), and the standing law, in charge throughout the shift,
    /// stops the push.
    /// </summary>
    [Fact]
    public void PushDuringTheWeightShift_EndsIt_AndTheStandingLawRecovers()
    {
        var (controller, hardware, robot, driver) = Pushed(90, 14);
        using (robot)
        {
            RunUntil(controller, driver, StepPhase.WeightShift);
            Push(hardware, 0, 10);
            driver.Run(60, stopOnFault: true);
            Assert.Equal(StepPhase.Standing, controller.Phase);
            Assert.True(double.IsNaN(controller.Standing.WeightShiftGoal.X), "the standing law is still shifting the weight");
            driver.Run(3000, stopOnFault: true);
            AssertStandingAfter(0, controller, hardware, robot);
        }
    }

    /// <summary>
    /// A push of 10 N·s forward, or towards the stepping foot's side, as a squaring step lifts
    /// its foot: the DCM predicted for touchdown leaves the stance the step would land in, so the
    /// step becomes a capture step (re-aimed at the DCM) with a closing step after it, and the
    /// robot stands again. (Sideways, the closing step's stance sole carried nothing at the top of
    /// its rise back to standing height, rocked and slid; the velocity read from it sent the
    /// closing step 0.3 m the wrong way and the robot fell. Forward, the steps end on a stance
    /// about 0.3 m wide, where the standing law's height regulation lifted the pelvis past the
    /// legs' reach and faulted with <see cref="BalanceStatus.LegUnreachable"/> until the pelvis
    /// was kept within it.)
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    public void PushDuringTheSquaringSwing_TheStepBecomesACaptureStep(double direction)
    {
        var (controller, hardware, robot, driver) = Pushed(90, 14);
        using (robot)
        {
            RunUntil(controller, driver, StepPhase.Swing, squaring: 1);
            Assert.True(controller.Landing.Y > 0, "the left foot was to step: the sideways push would not be towards it");
            Push(hardware, direction, 10);
            driver.Run(1500, stopOnFault: true);
            Assert.Equal(2, controller.StepsTaken);
            Assert.Equal(0, controller.SquaringSteps);
            // Standing again; the stance the steps left may be squared up in turn.
            driver.Run(3000, stopOnFault: true);
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
            Assert.True(hardware.PelvisTilt < 0.2, $"tilted {hardware.PelvisTilt:F2} rad");
            Assert.Equal(2, controller.StepsTaken);
        }
    }

    /// <summary>
    /// A push of 6 N·s towards the staying foot's side as a squaring step lifts: a capture step
    /// with the lifted foot cannot reach that side, so the squaring step lands as planned and the
    /// standing law holds the push without a recovery step. (Turned into a capture step, the
    /// step landed narrower and the robot fell.)
    /// </summary>
    [Fact]
    public void PushTowardsTheStayingFootDuringTheSquaringSwing_TheSquaringStepLands()
    {
        var (controller, hardware, robot, driver) = Pushed(90, 14);
        using (robot)
        {
            RunUntil(controller, driver, StepPhase.Swing, squaring: 1);
            Push(hardware, 270, 6);
            driver.Run(4000, stopOnFault: true);
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
            Assert.True(hardware.PelvisTilt < 0.2, $"tilted {hardware.PelvisTilt:F2} rad");
            Assert.Equal(0, controller.StepsTaken);
            Assert.True(controller.SquaringSteps >= 1, "the squaring step did not land as one");
        }
    }

    /// <summary>
    /// The step does not rely on the nominal model: with friction and body masses perturbed
    /// (the controller keeping the nominal model), diagonal and forward pushes beyond the standing
    /// law on that model are still recovered.
    /// </summary>
    [Theory]
    [InlineData(45, 20, 1)]
    [InlineData(135, 20, 2)]
    [InlineData(0, 18, 3)]
    public void Push_OnAPerturbedModel_StillRecovered(double direction, double impulse, int domainSeed)
    {
        Assert.False(PushScenario.Recovers(direction, impulse, stepping: false, domainSeed: domainSeed), "the standing law alone recovered: the test no longer shows stepping's part");
        Assert.True(PushScenario.Recovers(direction, impulse, domainSeed: domainSeed));
    }

    /// <summary>
    /// A second push after a step, while the lowered stance settles or once the standing law has
    /// it: stepped again (the drop starts where the pelvis stands; from the first stance's height
    /// the pelvis rose as the foot lifted and the robot fell).
    /// </summary>
    [Theory]
    [InlineData(0, 900)]
    [InlineData(0, 2000)]
    [InlineData(180, 900)]
    [InlineData(180, 2000)]
    public void SecondPush_AfterAStep_SteppedAgainAndRecovered(double direction, int afterMs)
    {
        var (controller, hardware, robot, driver) = Pushed(direction, 17);
        using (robot)
        {
            driver.Run(afterMs, stopOnFault: true);
            // 0.9 s after the push the new stance is still settling (the standing law takes it
            // over 0.5 s after the closing step), 2 s after it is the standing law's.
            Assert.Equal(afterMs >= 2000 ? StepPhase.Standing : StepPhase.DoubleSupport, controller.Phase);
            Assert.Equal(2, controller.StepsTaken);
            Push(hardware, direction, 16);
            // 4 s, and more for a squaring step to finish.
            driver.Run(4000, stopOnFault: true);
            RunUntil(controller, driver, StepPhase.Standing);
            AssertStandingAfter(4, controller, hardware, robot);
        }
    }

    /// <summary>
    /// Three forward pushes 2 s apart (17, 16 and 16 N·s), each stepped: after every step the
    /// stance returns to the rest posture (the first stance's pelvis height, the CoM back over
    /// the soles' middle), so each step starts from standing height and the robot ends where it
    /// started, upright. Kept as captured (<see cref="StandingBalanceOptions.ReturnRate"/> 0),
    /// every step left it another 5–6 cm lower: it ended 16 cm down or, with the pushes 1 ms
    /// later, fell. The test asserts one or the other.
    /// </summary>
    [Fact]
    public void RepeatedPushes_TheStanceReturnsToRestAfterEachStep()
    {
        (LoopFault fault, double tilt, int steps, double drop, Vec3 com, Vec3 restCom) = ThreePushes(new StandingBalanceOptions());
        Assert.Equal(LoopFault.None, fault);
        Assert.True(tilt < 0.2, $"tilted {tilt:F2} rad");
        Assert.Equal(6, steps);
        Assert.True(Math.Abs(drop) < 0.005, $"the pelvis ended {drop * 1000:F1} mm under where it first stood");
        Assert.True(Math.Abs(com.X - restCom.X) < 0.01 && Math.Abs(com.Y - restCom.Y) < 0.01,
            $"the CoM ended at ({com.X:F3}, {com.Y:F3}) m over the soles' middle, at rest ({restCom.X:F3}, {restCom.Y:F3})");

        (LoopFault keptFault, double keptTilt, _, double keptDrop, _, _) = ThreePushes(new StandingBalanceOptions { ReturnRate = 0 });
        bool stood = keptFault == LoopFault.None && keptTilt < 0.2;
        Assert.False(stood && keptDrop < 0.1, $"kept at the captured stance, the robot stood {keptDrop * 1000:F0} mm low: the test no longer shows the return's part");
    }

    /// <summary>17, 16 and 16 N·s forward, 2 s apart, then 3 s: the outcome, the pelvis's drop from the first stance (m) and the standing law's CoM now and at rest.</summary>
    private static (LoopFault Fault, double Tilt, int Steps, double Drop, Vec3 Com, Vec3 RestCom) ThreePushes(StandingBalanceOptions options)
    {
        var hardware = SimHardware.FlatGround();
        CaptureStepController controller = BalanceFactory.CreateStepping(hardware, options);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000);
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        hardware.GetPelvisPose(pelvis, quat);
        double restHeight = pelvis[2];
        Vec3 restCom = controller.Standing.Com;
        foreach (double impulse in new[] { 17.0, 16, 16 })
        {
            Push(hardware, 0, impulse);
            driver.Run(2000, stopOnFault: true);
        }
        driver.Run(1000, stopOnFault: true);
        hardware.GetPelvisPose(pelvis, quat);
        return (robot.Pipeline.Fault, hardware.PelvisTilt, controller.StepsTaken, restHeight - pelvis[2], controller.Standing.Com, restCom);
    }

    /// <summary>Through a capture and a closing step (17 N·s forward), and through a weight shift and a squaring step (14 N·s to the left).</summary>
    [Theory]
    [InlineData(0, 17, 2000, 2, 0)]
    [InlineData(90, 14, 3500, 0, 1)]
    public void Tick_ThroughSteps_AllocatesNothing(double direction, double impulse, int ms, int steps, int squaring)
    {
        var (controller, _, robot, driver) = Pushed(direction, impulse);
        using (robot)
        {
            driver.Run(5);
            long before = GC.GetAllocatedBytesForCurrentThread();
            driver.Run(ms);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(steps, controller.StepsTaken);
            Assert.Equal(squaring, controller.SquaringSteps);
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        }
    }

    [Fact]
    public void FakeState_NotANumberDuringTheSwing_FaultsWithInvalidInputAndFiniteCommands()
    {
        // A broken joint reading mid-swing: the pipeline's estimator would catch it first, so the
        // controller is ticked directly with a doctored copy of the state it last read.
        var (controller, hardware, robot, driver) = Pushed(180, 18);
        using (robot)
        {
            for (int k = 0; k < 1000 && controller.Phase != StepPhase.Swing; k++)
            {
                driver.Run(1);
            }
            Assert.Equal(StepPhase.Swing, controller.Phase);
            var state = new RobotState(hardware.Description.JointCount);
            Assert.True(hardware.Read(state));
            state.JointPosition[3] = double.NaN;
            double[] q = state.ImuOrientation;
            var estimate = new BaseEstimate(new Quat(q[0], q[1], q[2], q[3]), Vec3.Zero, Vec3.Zero, true, true, LoopFault.None, 0);
            var commands = new JointCommand[state.JointPosition.Length];
            LoopFault fault = controller.Update(new TickContext(0, state.Time, 0.001), state, estimate, commands);
            Assert.Equal(LoopFault.ControllerFault, fault);
            Assert.Equal(BalanceStatus.InvalidInput, controller.Status);
            Assert.All(commands, c => Assert.True(c.IsValid, "a faulted tick must still send valid commands"));
        }
    }

    [Fact]
    public void Create_BadCaptureStepOptions_ListsEveryProblem()
    {
        var hardware = SimHardware.FlatGround();
        var step = new CaptureStepOptions
        {
            SwingTime = 0, AimShare = 1.5, MinWidth = 0.3, MaxWidth = 0.2, PelvisDrop = double.NaN, RollTilt = 0, RollZone = -0.01, ClosingInside = double.NaN,
            SquareTolerance = 0, ShiftRate = -1, ShiftInside = -0.01, ReachDrop = -0.02, ReachDropFrom = 1,
            ClosingStagger = -0.1, ClosingStaggerFrom = double.NaN, StaggeredShiftRate = 0,
        };
        var e = Assert.Throws<ArgumentException>(() => BalanceFactory.CreateStepping(hardware, step: step));
        Assert.Contains("invalid capture step options", e.Message, StringComparison.Ordinal);
        Assert.Contains("SwingTime: 0 must be a finite number > 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("AimShare: 1.5 must be in (0, 1]", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxWidth: 0.2 must be finite and at least MinWidth (0.3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("PelvisDrop: NaN must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ClosingStagger: -0.1 must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ClosingStaggerFrom: NaN must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("RollTilt: 0 must be a finite number > 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("RollZone: -0.01 must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ClosingInside: NaN must be a finite number", e.Message, StringComparison.Ordinal);
        Assert.Contains("SquareTolerance: 0 must be a finite number > 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ShiftRate: -1 must be a finite number > 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("StaggeredShiftRate: 0 must be a finite number > 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ShiftInside: -0.01 must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ReachDrop: -0.02 must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ReachDropFrom: 1 must be in [0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signals_AreTheStepperOwnThenTheStandingLaws()
    {
        var hardware = SimHardware.FlatGround();
        CaptureStepController controller = BalanceFactory.CreateStepping(hardware);
        Assert.Equal("step_phase", controller.SignalNames[0]);
        Assert.Equal(controller.Standing.SignalNames, controller.SignalNames.Skip(controller.SignalNames.Count - controller.Standing.SignalNames.Count));
        Assert.Equal(controller.SignalNames.Count, controller.SignalNames.Distinct().Count());
    }
}
