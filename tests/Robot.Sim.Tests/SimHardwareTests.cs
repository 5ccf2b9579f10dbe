using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Robot.Core.Hardware;
using Robot.Sim.Scenarios;

namespace Robot.Sim.Tests;

public class SimHardwareTests
{
    private static SimHardware Active(SimHardware hardware)
    {
        hardware.Configure();
        hardware.Activate();
        return hardware;
    }

    [Fact]
    public void TorqueOff_LegBrakesHoldTheStance_LimpArmsFall()
    {
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] hold = SimHardware.StandingCommands();
        for (int k = 0; k < 500; k++)
        {
            Assert.True(hardware.Write(hold, hardware.Timestep), hardware.LastError);
        }
        Span<double> pelvis = stackalloc double[3], quat = stackalloc double[4];
        hardware.GetPelvisPose(pelvis, quat);
        double height = pelvis[2];
        int knee = 3, shoulder = 15;
        double kneeBefore = hardware.Simulation.Qpos()[hardware.Binding.QposAdr[knee]];
        double shoulderBefore = hardware.Simulation.Qpos()[hardware.Binding.QposAdr[shoulder]];

        var limp = new JointCommand[hold.Length];
        for (int k = 0; k < 3000; k++)
        {
            Assert.True(hardware.Write(limp, hardware.Timestep), hardware.LastError);
        }

        Assert.All(Enumerable.Range(0, 15), j => Assert.True(hardware.BrakeEngaged[j], $"leg or waist joint {j} braked"));
        Assert.False(hardware.BrakeEngaged[shoulder]);
        hardware.GetPelvisPose(pelvis, quat);
        Assert.True(Math.Abs(pelvis[2] - height) < 0.02, $"the pelvis moved from {height:F3} m to {pelvis[2]:F3} m in 3 s with power off");
        Assert.True(hardware.PelvisTilt < 0.05, $"tilted {hardware.PelvisTilt} rad");
        Assert.True(Math.Abs(hardware.Simulation.Qpos()[hardware.Binding.QposAdr[knee]] - kneeBefore) < 0.02, "the braked knee held");
        // The arms have no brakes: unpowered, the shoulder swings under gravity (the same test
        // with the waist unbraked saw the torso fold and the robot topple).
        Assert.True(Math.Abs(hardware.Simulation.Qpos()[hardware.Binding.QposAdr[shoulder]] - shoulderBefore) > 0.01, "the unbraked shoulder moved");

        for (int k = 0; k < 10; k++)
        {
            Assert.True(hardware.Write(hold, hardware.Timestep), hardware.LastError);
        }
        Assert.DoesNotContain(true, hardware.BrakeEngaged.ToArray()); // power back: every brake released
    }

    [Fact]
    public void Lifecycle_FollowsTheInterfaceRules()
    {
        using var hardware = SimHardware.FlatGround();
        var state = new RobotState(hardware.Description.JointCount);
        JointCommand[] hold = SimHardware.StandingCommands();
        Assert.Equal(HardwareLifecycle.Unconfigured, hardware.Lifecycle);
        Assert.False(hardware.Read(state));
        Assert.Throws<InvalidOperationException>(hardware.Activate);
        hardware.Configure();
        Assert.Equal(HardwareLifecycle.Configured, hardware.Lifecycle);
        Assert.True(hardware.Read(state));
        Assert.False(hardware.Write(hold, 0.001));
        Assert.Equal("write refused: hardware is not active", hardware.LastError);
        hardware.Activate();
        Assert.True(hardware.Write(hold, 0.001));
        Assert.Throws<InvalidOperationException>(hardware.Configure);
        hardware.Deactivate();
        Assert.Equal(HardwareLifecycle.Configured, hardware.Lifecycle);
        Assert.False(hardware.Write(hold, 0.001));
    }

    [Fact]
    public void Write_NaNCommand_IsRefusedAndNothingSteps()
    {
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] commands = SimHardware.StandingCommands();
        Assert.True(hardware.Write(commands, 0.002));
        double[] before = hardware.Simulation.Qpos().ToArray();
        double time = hardware.Simulation.Time;
        commands[3] = commands[3] with { Position = double.NaN };
        Assert.False(hardware.Write(commands, 0.001));
        Assert.StartsWith("write refused, nothing stepped: command 3 for joint 'left_knee' is invalid", hardware.LastError, StringComparison.Ordinal);
        Assert.Equal(time, hardware.Simulation.Time);
        Assert.Equal(before, hardware.Simulation.Qpos().ToArray());
        Assert.Equal(2, hardware.StepCount);
        commands[3] = commands[3] with { Position = 0.5, Kd = -1 };
        Assert.False(hardware.Write(commands, 0.001));
        commands[3] = commands[3] with { Kd = 5, FeedForwardTorque = double.PositiveInfinity };
        Assert.False(hardware.Write(commands, 0.001));
        Assert.Equal(HardwareLifecycle.Active, hardware.Lifecycle);
        Assert.Equal(2, hardware.StepCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_NaNInTheFreeJointState_DivergedMovesToError(bool velocity)
    {
        // MuJoCo's own check at the start of mj_step1 (mjWARN_BADQPOS / mjWARN_BADQVEL) resets
        // the data to qpos0 at time 0: the robot would jump back to its start pose unnoticed.
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] commands = SimHardware.StandingCommands();
        Assert.True(hardware.Write(commands, 0.002), hardware.LastError);
        if (velocity)
        {
            hardware.Simulation.Qvel[0] = double.NaN; // the free joint's x velocity
        }
        else
        {
            hardware.Simulation.Qpos()[2] = double.NaN; // the free joint's z (pelvis height)
        }
        Assert.False(hardware.Write(commands, 0.001));
        Assert.Equal(HardwareLifecycle.Error, hardware.Lifecycle);
        Assert.StartsWith("the simulation diverged", hardware.LastError, StringComparison.Ordinal);
        Assert.False(hardware.Write(commands, 0.001));
    }

    [Fact]
    public void Write_WrongCountOrPeriod_IsRefused()
    {
        using var hardware = Active(SimHardware.FlatGround());
        Assert.False(hardware.Write(new JointCommand[30], 0.001));
        Assert.Equal("write refused: 30 commands for 31 joints", hardware.LastError);
        var commands = new JointCommand[31];
        Assert.False(hardware.Write(commands, 0.0015));
        Assert.Contains("not a positive whole number of physics timesteps", hardware.LastError, StringComparison.Ordinal);
        Assert.False(hardware.Write(commands, 0));
        Assert.False(hardware.Write(commands, double.NaN));
        Assert.Equal(0, hardware.StepCount);
        Assert.True(hardware.Write(commands, 0.005));
        Assert.Equal(5, hardware.StepCount);
        Assert.Equal(0.005, hardware.Simulation.Time, 12);
    }

    [Fact]
    public void Write_AppliesTheDriverLaw_SaturatedAtTheMotorLimit()
    {
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] commands = SimHardware.StandingCommands();
        var state = new RobotState(31);
        Assert.True(hardware.Read(state));
        double q = state.JointPosition[3], qd = state.JointVelocity[3];
        commands[3] = new JointCommand(q + 0.1, 0, 100, 2, 3);
        commands[18] = new JointCommand(2.0, 0, 1000, 0, 0); // elbow: 1000·Δq saturates at 25 N·m
        Assert.True(hardware.Write(commands, 0.001));
        Assert.True(hardware.Read(state));
        Assert.Equal(100 * 0.1 + 2 * (0 - qd) + 3, state.JointTorque[3], 9);
        Assert.Equal(25, state.JointTorque[18]);
        Assert.Equal(25, hardware.Simulation.Ctrl[hardware.Binding.Actuator[18]]);
    }

    [Fact]
    public void Read_StandingRobot_ReportsGravityAndWeightOnTheFeet()
    {
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] hold = SimHardware.StandingCommands();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(hardware.Write(hold, 0.001));
        }
        var state = new RobotState(31);
        Assert.True(hardware.Read(state));
        Assert.Equal(1.0, state.Time, 9);
        Assert.Equal(1, state.ImuOrientation[0], 2); // w first, near upright
        Assert.Equal(9.81, state.ImuAccelerometer[2], 0);
        Assert.InRange(Math.Abs(state.ImuGyro[1]), 0, 0.5);
        Assert.Equal(-0.25, state.JointPosition[2], 1);
        Assert.Equal(0.5, state.JointPosition[3], 1);
        // The ankle sensors carry the weight of everything above the feet (force on the foot's
        // parent, in the ankle site frame: about −(m − m_feet)·g along z when the feet are flat).
        double above = hardware.RobotMass - 2 * 0.7;
        Assert.Equal(-above * 9.81, state.LeftFootWrench[2] + state.RightFootWrench[2], 0.1 * above * 9.81);
    }

    [Fact]
    public void ReadAndWrite_AllocateNothingPerTick()
    {
        using var hardware = Active(SimHardware.Warehouse(new WarehouseSceneOptions { Seed = 1 }));
        JointCommand[] hold = SimHardware.StandingCommands();
        var state = new RobotState(31);
        Span<double> v = stackalloc double[9];
        Span<double> q = stackalloc double[4];
        for (int i = 0; i < 200; i++)
        {
            hardware.Write(hold, 0.001);
            hardware.Read(state);
        }
        hardware.Push("pelvis", 10, 0, 0, 0.05);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            hardware.Write(hold, 0.001);
            hardware.Read(state);
            hardware.GetCenterOfMass(v);
            hardware.GetCenterOfMassVelocity(v);
            hardware.GetPelvisPose(v, q);
            hardware.GetSolePose(true, v[..3], v);
            hardware.GetFingerTouch(q);
            _ = hardware.PelvisTilt;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static string RunAndHash(int seed, int steps)
    {
        using var hardware = SimHardware.Warehouse(new WarehouseSceneOptions { Seed = seed });
        hardware.RandomizeDomain(seed);
        Active(hardware);
        JointCommand[] commands = SimHardware.StandingCommands();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < steps; i++)
        {
            // Deterministic, varied commands: a slow squat and arm swing.
            double phase = Math.Sin(i * 0.003);
            commands[3] = commands[3] with { Position = 0.5 + 0.2 * phase };
            commands[15] = commands[15] with { Position = 0.4 * phase };
            if (i == 1000)
            {
                hardware.Push("torso", 30, -20, 0, 0.1);
            }
            Assert.True(hardware.Write(commands, 0.001), hardware.LastError);
        }
        sha.AppendData(MemoryMarshal.AsBytes(hardware.Simulation.Qpos()));
        sha.AppendData(MemoryMarshal.AsBytes(hardware.Simulation.Qvel));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Fact]
    public void SameSeedAndCommands_GiveBitIdenticalTrajectories()
    {
        string a = RunAndHash(7, 3000);
        string b = RunAndHash(7, 3000);
        string c = RunAndHash(8, 3000);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Impulse_OnThePelvis_ChangesCoMVelocityByJOverM()
    {
        using var hardware = Active(SimHardware.FlatGround());
        JointCommand[] hold = SimHardware.StandingCommands();
        for (int i = 0; i < 300; i++)
        {
            hardware.Write(hold, 0.001);
        }
        Span<double> v0 = stackalloc double[3];
        Span<double> v1 = stackalloc double[3];
        hardware.GetCenterOfMassVelocity(v0);
        // 8 N·s forward over 20 ms (400 N): a push well beyond the robot's ankle strategy.
        hardware.Impulse("pelvis", 8, 0, 0, 0.02);
        Assert.Equal(1, hardware.PendingPushes);
        for (int i = 0; i < 20; i++)
        {
            hardware.Write(hold, 0.001);
        }
        Assert.Equal(0, hardware.PendingPushes);
        hardware.GetCenterOfMassVelocity(v1);
        // Friction from the floor resists part of it; most of J/m must show.
        double expected = 8 / hardware.RobotMass;
        Assert.InRange(v1[0] - v0[0], 0.5 * expected, 1.05 * expected);
        Assert.Equal(0, hardware.Simulation.XfrcApplied[6 * hardware.Binding.PelvisBody]);
    }

    [Fact]
    public void Push_UnknownBody_IsAClearError()
    {
        using var hardware = Active(SimHardware.FlatGround());
        var e = Assert.Throws<Robot.Sim.MuJoCo.MuJoCoException>(() => hardware.Push("tail", 1, 0, 0, 0.1));
        Assert.Contains("no body named 'tail'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomizeDomain_IsSeeded_AndResettable()
    {
        using var hardware = SimHardware.Warehouse(new WarehouseSceneOptions { Seed = 2 });
        double[] mass0 = hardware.Simulation.BodyMass.ToArray();
        double[] friction0 = hardware.Simulation.GeomFriction.ToArray();
        hardware.RandomizeDomain(11);
        double[] mass11 = hardware.Simulation.BodyMass.ToArray();
        double[] friction11 = hardware.Simulation.GeomFriction.ToArray();
        Assert.NotEqual(mass0, mass11);
        Assert.NotEqual(friction0, friction11);
        for (int b = 1; b < mass0.Length; b++)
        {
            Assert.InRange(mass11[b], 0.9 * mass0[b] - 1e-12, 1.1 * mass0[b] + 1e-12);
        }
        hardware.RandomizeDomain(12);
        hardware.RandomizeDomain(11);
        Assert.Equal(mass11, hardware.Simulation.BodyMass.ToArray());
        Assert.Equal(friction11, hardware.Simulation.GeomFriction.ToArray());
        hardware.ResetDomain();
        Assert.Equal(mass0, hardware.Simulation.BodyMass.ToArray());
        Active(hardware);
        Assert.Throws<InvalidOperationException>(() => hardware.RandomizeDomain(1));
    }

    [Fact]
    public void IdleScenario_StaysUprightForTenSeconds()
    {
        using var hardware = SimHardware.Warehouse(new WarehouseSceneOptions { Seed = 0 });
        IdleResult result = IdleScenario.Run(hardware, 10, "warehouse");
        Assert.True(result.Upright, $"fell at {result.FellAtSeconds} s");
        Assert.Equal(10, result.Seconds, 6);
        Assert.InRange(result.MaxTiltRad, 0, 0.1);
        Assert.InRange(result.ComHorizontalDriftM, 0, 0.03);
    }
}
